/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * The linux TCP profile: its cwnd growth rule, TcpLinuxCwndValidation, checked against Linux's
 * tcp_is_cwnd_limited() / tcp_cwnd_validate() segment by segment, with the same result under
 * every ns-3 release (ns-3.42+ algorithms carry a stricter rule of their own); its sockets; its
 * attribute defaults surviving Config::Reset().
 */
#include "ns3/config.h"
#include "ns3/internet-module.h"
#include "ns3/ns3-compat.h"
#include "ns3/object-factory.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/tcp-linux-cwnd-validation.h"
#include "ns3/tcp-profile.h"
#include "ns3/test.h"

#include "tls-test-compat.h"

#include <limits>

using namespace ns3;

namespace
{

constexpr uint32_t kMss = 1448; //!< segment size of the tests (the linux profile's)

/**
 * A sender's TcpSocketState: cwnd segments of MSS, ssthresh (segments; 0 = infinite), nothing
 * sent, and the ns-3.42+ flag left as TcpSocketBase leaves it for an application-limited sender.
 */
Ptr<TcpSocketState>
MakeTcb(uint32_t cwndSegments, uint32_t ssthreshSegments)
{
    Ptr<TcpSocketState> tcb = CreateObject<TcpSocketState>();
    tcb->m_segmentSize = kMss;
    tcb->m_cWnd = cwndSegments * kMss;
    tcb->m_ssThresh
        = ssthreshSegments == 0 ? std::numeric_limits<uint32_t>::max() : ssthreshSegments * kMss;
    tcb->m_highTxMark = SequenceNumber32(1);
    tcb->m_lastAckedSeq = SequenceNumber32(1);
    compat::SetCwndLimited(*tcb, false);
    return tcb;
}

/// Sends n full segments of new data, each followed by tcp_cwnd_validate().
void
Send(Ptr<TcpLinuxCwndValidation> cc, Ptr<TcpSocketState> tcb, uint32_t n)
{
    for (uint32_t i = 0; i < n; ++i)
    {
        tcb->m_highTxMark = tcb->m_highTxMark.Get() + kMss;
        cc->CwndValidate(tcb, tcb->m_highTxMark.Get() - tcb->m_lastAckedSeq);
    }
}

/// Acknowledges n segments one ACK each, calling IncreaseWindow as TcpSocketBase does.
void
Ack(Ptr<TcpLinuxCwndValidation> cc, Ptr<TcpSocketState> tcb, uint32_t n)
{
    for (uint32_t i = 0; i < n; ++i)
    {
        tcb->m_lastAckedSeq = tcb->m_lastAckedSeq + kMss;
        cc->IncreaseWindow(tcb, 1);
    }
}

/// The wrapper around a new algorithm of this TypeId.
Ptr<TcpLinuxCwndValidation>
Wrap(const std::string& algorithm)
{
    ObjectFactory factory;
    factory.SetTypeId(algorithm);
    return CreateObject<TcpLinuxCwndValidation>(factory.Create<TcpCongestionOps>());
}

/// A node with an internet stack, to create sockets on.
Ptr<Node>
MakeNode()
{
    Ptr<Node> node = CreateObject<Node>();
    InternetStackHelper().Install(node);
    return node;
}

} // namespace

/**
 * @ingroup tls-test
 * @brief Slow start, application-limited: Linux's own example (include/net/tcp.h): "cwnd is 10
 * (IW10), but application sends 9 frames. We allow cwnd to reach 18 when all frames are ACKed."
 * Each ACK adds one segment while cwnd < 2 x max_packets_out = 18; the ninth adds none.
 */
class TcpSlowStartAllowanceTestCase : public TestCase
{
  public:
    /// @param algorithm TypeId name of the wrapped congestion control
    explicit TcpSlowStartAllowanceTestCase(const std::string& algorithm)
        : TestCase("IW10, 9 segments sent, all ACKed: " + algorithm + " reaches 18 segments")
        , m_algorithm(algorithm)
    {
    }

  private:
    void
    DoRun() override
    {
        Ptr<TcpLinuxCwndValidation> cc = Wrap(m_algorithm);
        Ptr<TcpSocketState> tcb = MakeTcb(10, 0);
        cc->Init(tcb);
        Send(cc, tcb, 9);
        NS_TEST_ASSERT_MSG_EQ(cc->IsCwndLimited(tcb), true, "cwnd 10 < 2 x 9");
        Ack(cc, tcb, 9);
        NS_TEST_ASSERT_MSG_EQ(tcb->m_cWnd.Get(), 18 * kMss, "cwnd = 2 x max_packets_out");
        NS_TEST_ASSERT_MSG_EQ(cc->IsCwndLimited(tcb), false, "no further growth");
        // A full window (18 segments in flight) is cwnd-limited again: the next ACK grows it.
        Send(cc, tcb, 18);
        Ack(cc, tcb, 1);
        NS_TEST_ASSERT_MSG_EQ(tcb->m_cWnd.Get(), 19 * kMss, "fully used window grows");
    }

    std::string m_algorithm; //!< the wrapped congestion control
};

/**
 * @ingroup tls-test
 * @brief Congestion avoidance: only a fully used window grows (no slow-start allowance), and that
 * use counts until snd_una passes cwnd_usage_seq, the snd_nxt of the window that filled cwnd.
 */
class TcpCwndUsageWindowTestCase : public TestCase
{
  public:
    TcpCwndUsageWindowTestCase()
        : TestCase("congestion avoidance: a full window grows cwnd for one window, a partial not")
    {
    }

  private:
    void
    DoRun() override
    {
        // TcpNewReno's congestion avoidance: + MSS * MSS / cwnd per ACK.
        const uint32_t step = kMss * kMss / (10 * kMss);
        Ptr<TcpLinuxCwndValidation> partial = Wrap("ns3::TcpNewReno");
        Ptr<TcpSocketState> tcb = MakeTcb(10, 5);
        partial->Init(tcb);
        Send(partial, tcb, 9);
        Ack(partial, tcb, 1);
        NS_TEST_ASSERT_MSG_EQ(tcb->m_cWnd.Get(), 10 * kMss, "9 of 10 segments: no growth");

        Ptr<TcpLinuxCwndValidation> cc = Wrap("ns3::TcpNewReno");
        tcb = MakeTcb(10, 5);
        cc->Init(tcb);
        Send(cc, tcb, 10); // fills cwnd: cwnd_usage_seq = 1 + 10 MSS
        Ack(cc, tcb, 1);
        NS_TEST_ASSERT_MSG_EQ(tcb->m_cWnd.Get(), 10 * kMss + step, "full window: it grows");
        Ack(cc, tcb, 4);
        uint32_t cwnd = tcb->m_cWnd;
        Send(cc, tcb, 1); // 6 in flight, snd_una before cwnd_usage_seq: still limited
        NS_TEST_ASSERT_MSG_EQ(cc->IsCwndLimited(tcb), true, "the full window is remembered");
        // A retransmission (snd_nxt unchanged) is no tcp_write_xmit(): nothing changes.
        cc->CwndValidate(tcb, kMss);
        NS_TEST_ASSERT_MSG_EQ(cc->IsCwndLimited(tcb), true, "retransmission ignored");
        Ack(cc, tcb, 6); // snd_una passes cwnd_usage_seq only now
        NS_TEST_ASSERT_MSG_GT(tcb->m_cWnd.Get(), cwnd, "growth within the window");
        cwnd = tcb->m_cWnd;
        Send(cc, tcb, 1); // the next window: one segment in flight
        NS_TEST_ASSERT_MSG_EQ(cc->IsCwndLimited(tcb), false, "a new, partial window");
        Ack(cc, tcb, 1);
        NS_TEST_ASSERT_MSG_EQ(tcb->m_cWnd.Get(), cwnd, "partial window: no growth");
    }
};

/**
 * @ingroup tls-test
 * @brief The linux profile's sockets wrap ns-3's congestion control (forked with the socket, its
 * name kept); the ns3 profile's do not.
 */
class TcpProfileCongestionOpsTestCase : public TestCase
{
  public:
    TcpProfileCongestionOpsTestCase()
        : TestCase("linux profile wraps the congestion control, ns3 profile does not")
    {
    }

  private:
    void
    DoRun() override
    {
        Ptr<Node> node = MakeNode();
        PointerValue ops;
        TcpProfile::CreateSocket(node, "linux")->GetAttribute("CongestionOps", ops);
        Ptr<TcpLinuxCwndValidation> wrapper = ops.Get<TcpLinuxCwndValidation>();
        NS_TEST_ASSERT_MSG_NE(wrapper, nullptr, "linux: TcpLinuxCwndValidation");
        NS_TEST_ASSERT_MSG_EQ(wrapper->GetName(), "TcpCubic", "the wrapped default, by name");
        Ptr<TcpLinuxCwndValidation> fork = DynamicCast<TcpLinuxCwndValidation>(wrapper->Fork());
        NS_TEST_ASSERT_MSG_NE(fork->GetAlgorithm(), wrapper->GetAlgorithm(), "fork forks it");
        TcpProfile::CreateSocket(node, "ns3")->GetAttribute("CongestionOps", ops);
        NS_TEST_ASSERT_MSG_EQ(ops.Get<TcpLinuxCwndValidation>(), nullptr, "ns3: plain ns-3");
        Simulator::Destroy();
    }
};

/**
 * @ingroup tls-test
 * @brief TcpProfile::SetDefaults("linux") lets Apply() skip sockets only while those defaults hold:
 * after Config::Reset() (ns-3.38+ runs it around every TestCase) a linux socket still gets the
 * profile, and a user's own default set after the profile's still wins.
 */
class TcpProfileDefaultsResetTestCase : public TestCase
{
  public:
    TcpProfileDefaultsResetTestCase()
        : TestCase("linux profile after Config::Reset(): MSS 1448, a user's default still wins")
    {
    }

  private:
    void
    DoRun() override
    {
        Ptr<Node> node = MakeNode();
        UintegerValue mss;
        TcpProfile::SetDefaults("linux");
        Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1000));
        TcpProfile::CreateSocket(node, "linux")->GetAttribute("SegmentSize", mss);
        NS_TEST_ASSERT_MSG_EQ(mss.Get(), 1000, "the user's default after the profile's");
        Config::Reset();
        TcpProfile::CreateSocket(node, "linux")->GetAttribute("SegmentSize", mss);
        NS_TEST_ASSERT_MSG_EQ(mss.Get(), 1448, "reset defaults: the profile per socket");
        TcpProfile::CreateSocket(node, "ns3")->GetAttribute("SegmentSize", mss);
        NS_TEST_ASSERT_MSG_EQ(mss.Get(), 536, "ns3 profile: ns-3's default");
        Simulator::Destroy();
        TcpProfile::SetDefaults("ns3");
        Config::Reset();
    }
};

/**
 * @ingroup tls-test
 * @brief The linux TCP profile's pieces.
 */
class TlsTcpTestSuite : public TestSuite
{
  public:
    TlsTcpTestSuite()
        : TestSuite("tls-tcp", UNIT)
    {
        AddTestCase(new TcpSlowStartAllowanceTestCase("ns3::TcpNewReno"), QUICK);
        AddTestCase(new TcpSlowStartAllowanceTestCase("ns3::TcpCubic"), QUICK);
        AddTestCase(new TcpCwndUsageWindowTestCase(), QUICK);
        AddTestCase(new TcpProfileCongestionOpsTestCase(), QUICK);
        AddTestCase(new TcpProfileDefaultsResetTestCase(), QUICK);
    }
};

/// The suite's instance.
static TlsTcpTestSuite g_tlsTcpTestSuite;
