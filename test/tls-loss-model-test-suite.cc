/*
 * SPDX-License-Identifier: GPL-2.0-only
 *
 * Loss models and the TCP timers they exercise:
 *  - Gilbert-Elliott loss has the configured rate and mean burst length;
 *  - dropping chosen segments costs what Linux's timers say: a lost SYN costs the 1 s SYN RTO,
 *    a lost one-segment flight the RTO m + max(2m, 200 ms) after the RTT sample m, a flight lost
 *    twice RTO + RTO (tail loss probe, no backoff); in a two-segment flight a lost first segment
 *    RACK's RTT + min_rtt / 4 + 2 ms (the second is SACKed), a lost tail the probe timer
 *    restarted by the quick ACK of the first, min(2 srtt + 200 ms, RTO); after more than one
 *    SYN-ACK retransmission the server's flight starts from cwnd = 1 segment;
 *  - with Linux's timer ticks (TcpLinuxSocket::Hz = 250, the default) the same timers fire on
 *    the jiffy the timer wheel picks (the cases above run with Hz = 0: exact timers).
 */
#include "ns3/core-module.h"
#include "ns3/gilbert-elliott-error-model.h"
#include "ns3/network-module.h"
#include "ns3/test.h"
#include "ns3/tls-scenario.h"
#include "tls-test-compat.h"

#include <cmath>
#include <set>

using namespace ns3;

namespace
{

/// Long-run statistics of the Gilbert-Elliott model.
class GilbertElliottStatisticsTestCase : public TestCase
{
  public:
    GilbertElliottStatisticsTestCase(double loss, double burst)
        : TestCase("Gilbert-Elliott loss " + std::to_string(loss) + ", mean burst "
                   + std::to_string(burst))
        , m_loss(loss)
        , m_burst(burst)
    {
    }

  private:
    void
    DoRun() override
    {
        Ptr<GilbertElliottErrorModel> em = CreateObject<GilbertElliottErrorModel>();
        em->ForLossAndBurst(m_loss, m_burst);
        em->AssignStreams(7);
        const int n = 400000;
        int lost = 0;
        int bursts = 0;
        bool previous = false;
        Ptr<Packet> p = Create<Packet>(100);
        for (int i = 0; i < n; ++i)
        {
            bool l = em->IsCorrupt(p);
            lost += l;
            bursts += l && !previous;
            previous = l;
        }
        double rate = double(lost) / n;
        double meanBurst = double(lost) / bursts;
        // Standard errors are ~1e-3 for the rate and a few % for the burst at this n.
        TLS_TEST_ASSERT_MSG_EQ_TOL(rate, m_loss, 0.1 * m_loss, "long-run loss rate");
        TLS_TEST_ASSERT_MSG_EQ_TOL(meanBurst, m_burst, 0.1 * m_burst, "mean burst length");
    }

    double m_loss;
    double m_burst;
};

/// Dropping chosen segments costs exactly the timer that repairs them.
class SegmentDropTestCase : public TestCase
{
  public:
    SegmentDropTestCase(std::string flag,
                        std::string value,
                        int rttMs,
                        double expectedMs,
                        std::string key = "p256",
                        std::string tls = "1.3",
                        uint32_t retransmissions = 1,
                        std::string chain = "0",
                        uint32_t hz = 0,
                        std::string tickPhase = "0ms")
        : TestCase("TLS " + tls + " " + key + " --" + flag + "=" + value + " at RTT "
                   + std::to_string(rttMs) + " ms, Hz " + std::to_string(hz) + ", tick phase "
                   + tickPhase + ": total ~ " + std::to_string(int(expectedMs)) + " ms")
        , m_flag(flag)
        , m_value(value)
        , m_rttMs(rttMs)
        , m_expectedMs(expectedMs)
        , m_key(key)
        , m_tls(tls)
        , m_retransmissions(retransmissions)
        , m_chain(chain)
        , m_hz(hz)
        , m_tickPhase(tickPhase)
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c;
        c.Set("hz", std::to_string(m_hz));
        c.Set("tick-phase", m_tickPhase); // expectations computed from this phase
        c.Set(m_flag, m_value);
        c.Set("key", m_key);
        c.Set("tls", m_tls);
        c.Set("chain", m_chain);
        c.Set("rtt", std::to_string(m_rttMs) + "ms");
        c.Set("bandwidth", "1Gbps"); // serialisation negligible
        c.Set("cpu", "none");        // exact timer arithmetic
        // With ticks, each connection's timers depend on its start's phase against the jiffies:
        // one connection, whose start (1 s) the expectations are computed from.
        c.Set("handshakes", m_hz > 0 ? "1" : "2");
        TlsScenario::Result result;
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, result), "", "runs");
        for (const auto& r : result.records)
        {
            NS_TEST_ASSERT_MSG_EQ(r->ok, true, r->error);
            NS_TEST_ASSERT_MSG_EQ(r->clientRetransmissions + r->serverRetransmissions,
                                  m_retransmissions,
                                  "retransmissions");
            TLS_TEST_ASSERT_MSG_EQ_TOL(r->GetTotalMs(), m_expectedMs, 1.0, "total_ms");
        }
    }

    std::string m_flag;
    std::string m_value;
    int m_rttMs;
    double m_expectedMs;
    std::string m_key;
    std::string m_tls;
    uint32_t m_retransmissions;
    std::string m_chain;
    uint32_t m_hz;
    std::string m_tickPhase;
};

/**
 * The timeline's TCP "segment" rows are exactly the data segments sent again. The client's
 * second data transmission (its last flight: with --client-auth Certificate, CertificateVerify
 * and Finished, else Finished; in TLS 1.3 with cpu none also its close_notify) is dropped: the
 * only retransmission is that segment, once, from the client. The server's tickets, first sent
 * after it read the client's close_notify with the repaired flight (its session had ended), are
 * not retransmissions (they were recorded as such).
 */
class TimelineRetransmissionTestCase : public TestCase
{
  public:
    TimelineRetransmissionTestCase(std::string tls, bool clientAuth)
        : TestCase("TLS " + tls + (clientAuth ? " --client-auth" : "")
                   + " --drop-c2s=2: one timeline segment row, the client's last flight")
        , m_tls(tls)
        , m_clientAuth(clientAuth)
    {
    }

  private:
    void
    DoRun() override
    {
        TlsScenarioConfig c;
        c.Set("tls", m_tls);
        c.Set("client-auth", m_clientAuth ? "true" : "false");
        c.Set("drop-c2s", "2");
        c.Set("rtt", "50ms");
        c.Set("bandwidth", "1Gbps");
        c.Set("cpu", "none");
        c.Set("hz", "0");
        c.Set("handshakes", "2");
        TlsScenario::Result result;
        NS_TEST_ASSERT_MSG_EQ(TlsScenario::Run(c, result), "", "runs");
        for (const auto& r : result.records)
        {
            NS_TEST_ASSERT_MSG_EQ(r->ok, true, r->error);
            // The bytes the client handed to TCP: the ClientHello record (5-byte header +
            // message), its last flight (to clientHandshakeBytes), then only close_notify (no
            // request). TLS 1.3 completes the client as it writes its last flight, so with cpu
            // none close_notify leaves in the same segment; TLS 1.2 completes it one RTT later
            // (the server's Finished), so the segment holds the flight alone.
            uint32_t clientHello = 0;
            for (const auto& m : r->messages)
            {
                if (m.fromClient && m.name == "ClientHello")
                {
                    clientHello = 5 + m.bytes;
                }
            }
            std::vector<const TcpSegmentTiming*> again;
            for (const auto& s : r->segments)
            {
                if (s.name == "segment")
                {
                    again.push_back(&s);
                }
            }
            NS_TEST_ASSERT_MSG_EQ(again.size(), 1, "segment rows (server rows: first sends)");
            NS_TEST_ASSERT_MSG_EQ(again[0]->fromClient, true, "sent again by the client");
            NS_TEST_ASSERT_MSG_EQ(again[0]->retransmission, true, "a retransmission");
            NS_TEST_ASSERT_MSG_EQ(again[0]->seq, 1 + clientHello, "after the ClientHello");
            uint64_t closeNotify = r->clientSent - r->clientHandshakeBytes;
            NS_TEST_ASSERT_MSG_EQ(again[0]->bytes,
                                  r->clientHandshakeBytes - clientHello
                                      + (m_tls == "1.3" ? closeNotify : 0),
                                  "the client's last flight (TLS 1.3: and close_notify)");
            NS_TEST_ASSERT_MSG_EQ(again[0]->received.IsStrictlyPositive(), true, "received");
            NS_TEST_ASSERT_MSG_EQ(r->serverRetransmissions, 0, "the server sent nothing again");
        }
    }

    std::string m_tls;
    bool m_clientAuth;
};

} // namespace

/// The suite.
/**
 * With --tick-phase=auto every host's jiffies have their own phase (a hash of seed, run number
 * and node id), as hosts that booted at unrelated times: a 1 s SYN timer armed on any tick fires
 * on an 8-jiffy granule (level 1 of the timer wheel), so after (1000, 1032] ms at Hz 250,
 * differently from run to run, and the same run twice gives the same time. The server's SYN-ACK
 * timer and the client's repeated SYN then race both ways, as between two Linux hosts: some runs
 * have one SYN-ACK retransmission, others two (then the flight starts from cwnd 1).
 */
class TickPhaseTestCase : public TestCase
{
  public:
    TickPhaseTestCase()
        : TestCase("--tick-phase=auto: each host's timers on its own jiffies, reproducibly")
    {
    }

  private:
    /// One handshake with the first SYN (or SYN-ACK) dropped; its record.
    static Ptr<TlsHandshakeRecord>
    Run(const std::string& drop, int rttMs, uint32_t run)
    {
        TlsScenarioConfig c;
        c.Set("hz", "250");
        c.Set("tick-phase", "auto");
        c.Set(drop, "syn");
        c.Set("key", "rsa2048");
        c.Set("chain", "3"); // a 3-segment flight: cwnd 1 costs an RTT
        c.Set("rtt", std::to_string(rttMs) + "ms");
        c.Set("bandwidth", "1Gbps");
        c.Set("cpu", "none");
        c.Set("handshakes", "1");
        c.Set("run", std::to_string(run));
        TlsScenario::Result result;
        std::string error = TlsScenario::Run(c, result);
        NS_ABORT_MSG_IF(!error.empty() || result.records.size() != 1, error);
        return result.records[0];
    }

    void
    DoRun() override
    {
        std::set<int64_t> timeouts;
        std::set<uint32_t> synAcks;
        for (uint32_t run = 1; run <= 12; ++run)
        {
            // RTT 50 ms, lost SYN: total = SYN timeout + 2 RTT
            Ptr<TlsHandshakeRecord> r = Run("drop-c2s", 50, run);
            NS_TEST_ASSERT_MSG_EQ(r->ok, true, r->error);
            double timeout = r->GetTotalMs() - 100;
            NS_TEST_ASSERT_MSG_GT(timeout, 1000 - 0.01, "SYN timer before its 1 s");
            NS_TEST_ASSERT_MSG_LT(timeout, 1032 + 0.01, "SYN timer after its 8-jiffy granule");
            timeouts.insert(std::llround(timeout * 1000));
            NS_TEST_ASSERT_MSG_EQ(Run("drop-c2s", 50, run)->GetTotalMs(),
                                  r->GetTotalMs(),
                                  "the same run, the same phases");
            // RTT 30 ms, lost SYN-ACK: the server's timer and the repeated SYN race
            Ptr<TlsHandshakeRecord> s = Run("drop-s2c", 30, run);
            NS_TEST_ASSERT_MSG_EQ(s->ok, true, s->error);
            uint32_t n = 0;
            for (const auto& seg : s->segments)
            {
                n += !seg.fromClient && seg.name == "SYN-ACK";
            }
            synAcks.insert(n);
        }
        NS_TEST_ASSERT_MSG_GT(timeouts.size(), 6, "runs differ in their hosts' phases");
        NS_TEST_ASSERT_MSG_EQ(synAcks.count(2), 1, "some runs: the repeated SYN came first");
        NS_TEST_ASSERT_MSG_EQ(synAcks.count(3), 1, "some runs: the server's timer came first");
    }
};

class TlsLossModelTestSuite : public TestSuite
{
  public:
    TlsLossModelTestSuite()
        : TestSuite("tls-loss-model", UNIT)
    {
        AddTestCase(new GilbertElliottStatisticsTestCase(0.05, 3), QUICK);
        AddTestCase(new GilbertElliottStatisticsTestCase(0.2, 1.5), QUICK);
        AddTestCase(new TickPhaseTestCase(), QUICK);
        AddTestCase(new TimelineRetransmissionTestCase("1.3", true), QUICK);
        AddTestCase(new TimelineRetransmissionTestCase("1.3", false), QUICK);
        AddTestCase(new TimelineRetransmissionTestCase("1.2", true), QUICK);
        // TLS 1.3 = 2 RTT; a lost SYN adds the 1 s SYN RTO; a lost SYN-ACK likewise (the client
        // retransmits its SYN after 1 s and the server answers it).
        AddTestCase(new SegmentDropTestCase("drop-c2s", "syn", 50, 1000 + 100), QUICK);
        AddTestCase(new SegmentDropTestCase("drop-s2c", "syn", 50, 1000 + 100), QUICK);
        // A one-segment server flight (p256) is lost. Its tail loss probe is due at
        // min(2 srtt + 200 ms, RTO) = RTO, where the RTO after the SYN-ACK sample m is Linux's
        // m + max(2m, 200 ms): resent at 1.5 RTT + RTO.
        AddTestCase(new SegmentDropTestCase("drop-s2c", "1", 50, 100 + 50 + 200), QUICK);
        AddTestCase(new SegmentDropTestCase("drop-s2c", "1", 200, 400 + 200 + 400), QUICK);
        // The ClientHello is lost: the client's RTO after its SYN RTT sample.
        AddTestCase(new SegmentDropTestCase("drop-c2s", "1", 50, 100 + 50 + 200), QUICK);
        // Lost twice: the probe does not back the timer off (Linux: gaps RTO, RTO, 2 RTO).
        AddTestCase(
            new SegmentDropTestCase("drop-s2c", "1,2", 50, 100 + 250 + 250, "p256", "1.3", 2),
            QUICK);
        AddTestCase(
            new SegmentDropTestCase("drop-s2c", "1,2", 50, 150 + 250 + 250, "rsa2048", "1.2", 2),
            QUICK);
        // A two-segment flight (rsa2048) loses its first segment. The second arrives and is
        // SACKed one RTT after it left; RACK waits reo_wnd = min_rtt / 4 = 12.5 ms more, its
        // timer 2 ms more (TCP_TIMEOUT_MIN_US), then fast recovery resends the first: 2 RTT +
        // 1 RTT + 12.5 + 2 ms, long before the probe (2 srtt + 2 ms) or the RTO.
        AddTestCase(new SegmentDropTestCase("drop-s2c", "1", 50, 100 + 50 + 12.5 + 2, "rsa2048"),
                    QUICK);
        // It loses its second (tail) segment instead: the client's quick ACK of the first
        // reaches the server one RTT after the flight left and re-arms the probe timer with one
        // segment out: min(2 srtt + 200 ms, RTO = 250 ms) = 250 ms; the probe resends the tail.
        AddTestCase(new SegmentDropTestCase("drop-s2c", "2", 50, 100 + 50 + 250, "rsa2048"), QUICK);
        // Three SYN-ACKs lost (the first, then the answer to the client's repeated SYN and the
        // server's own 1 s timer, which coincide): the client connects at 1 + 2 s + 1 RTT with
        // two SYN retransmissions, the server has two SYN-ACK retransmissions, so its flight
        // (3 segments with a 3-certificate chain) starts from cwnd = 1 segment: one segment,
        // then two, one RTT more than with cwnd = 10.
        AddTestCase(new SegmentDropTestCase(
                        "drop-s2c", "syn,syn,syn", 50, 3050 + 50 + 50, "rsa2048", "1.3", 2, "3"),
                    QUICK);
        // Linux's timer ticks (Hz = 250: 4 ms jiffies; the simulation starts at 1 s = jiffy 250).
        // The client's SYN timer, armed at jiffy 250 for 1 s = 250 jiffies, sits on level 1 of
        // the timer wheel (63 <= 250 < 504: 8-jiffy granules) and fires at ((500 >> 3) + 1) << 3
        // = jiffy 504: 1016 ms after the SYN.
        AddTestCase(
            new SegmentDropTestCase("drop-c2s", "syn", 50, 1016 + 100, "p256", "1.3", 1, "0", 250),
            QUICK);
        // The same with the hosts' jiffies 2 ms (half a jiffy) ahead of simulated time: the SYN
        // leaves at host time 1.002 s, still jiffy 250, so the timer fires at host jiffy 504 =
        // 2.016 s, which is simulated time 2.014 s: 1014 ms after the SYN.
        AddTestCase(new SegmentDropTestCase(
                        "drop-c2s", "syn", 50, 1014 + 100, "p256", "1.3", 1, "0", 250, "2ms"),
                    QUICK);
        // The server's flight leaves at 1.075 s (jiffy 268) with RTO = 250 ms = 62.5 -> 63
        // jiffies (rounded up), level 1: expiry 331 -> bucket 336 = 1.344 s, 269 ms later; the
        // resent flight arrives at 1.369 s.
        AddTestCase(new SegmentDropTestCase("drop-s2c", "1", 50, 369, "p256", "1.3", 1, "0", 250),
                    QUICK);
        // A lost SYN-ACK, then the client's SYN timer (armed at jiffy 250, fires at jiffy 504 =
        // 2.016 s) and the server's SYN-ACK timer race. RTT 60 ms: the server's first SYN-ACK
        // left at 1.030 s (jiffy 257), so its timer fires at jiffy 512 = 2.048 s, after the
        // repeated SYN arrives (2.046 s): Linux answers it and restarts the timer
        // (tcp_check_req()), one retransmission, and the 3-segment flight keeps cwnd 10:
        // connected at 2.076 s, done 1 RTT later.
        AddTestCase(new SegmentDropTestCase(
                        "drop-s2c", "syn", 60, 1076 + 60, "rsa2048", "1.3", 1, "3", 250),
                    QUICK);
        // RTT 30 ms: both timers fire at 2.016 s; the repeated SYN arrives at 2.031 s and is
        // answered too: two SYN-ACK retransmissions, so the flight starts from cwnd 1 (one
        // segment, then two): connected at 2.031 s, done 2 RTT later.
        AddTestCase(new SegmentDropTestCase(
                        "drop-s2c", "syn", 30, 1031 + 60, "rsa2048", "1.3", 1, "3", 250),
                    QUICK);
    }
};

/// Static instance.
static TlsLossModelTestSuite g_tlsLossModelTestSuite;
