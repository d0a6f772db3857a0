/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_CONNECTION_H
#define TLS_CONNECTION_H

#include "ns3/tls-cost-model.h"
#include "ns3/tls-cpu.h"
#include "ns3/tls-engine.h"
#include "ns3/tls-handshake-record.h"

#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/ptr.h"
#include "ns3/simple-ref-count.h"
#include "ns3/socket.h"
#include "ns3/tcp-header.h"
#include "ns3/tcp-socket.h"

#include <memory>
#include <vector>

namespace ns3
{

class TcpSocketBase;

/**
 * @ingroup tls-app
 * @brief Glue between an ns-3 TCP socket and a TlsEngine; one class for both ends.
 *
 * Bytes read from the socket go into the engine; each engine step is charged a CPU cost
 * (cost model x node CPU, steps of one connection never overlap), and the step's effects --
 * bytes to send, messages, handshake completion, application data -- happen when the step
 * finishes. Output respects the socket's TX buffer (the rest waits for the send callback).
 */
class TlsConnection : public SimpleRefCount<TlsConnection>
{
  public:
    /// Notifications to the owning application.
    struct Listener
    {
        Callback<void> handshakeDone;                     //!< engine established
        Callback<void, const std::vector<uint8_t>&> data; //!< application data read
        Callback<void> failed;                            //!< TLS or TCP failure
        Callback<void> peerClosed;                        //!< close_notify or FIN
        Callback<void, const TlsMessage&, Time> message;  //!< message sent or read
    };

    /**
     * @param socket a TCP socket (connected, or about to be)
     * @param context the TLS context of this end
     * @param costModel the cost model (nullptr: free)
     * @param cpu the node's CPU (nullptr: infinitely many cores)
     */
    TlsConnection(Ptr<Socket> socket,
                  std::shared_ptr<TlsContext> context,
                  Ptr<TlsCostModel> costModel,
                  Ptr<TlsCpu> cpu);
    ~TlsConnection();

    /// @param listener the callbacks
    void SetListener(const Listener& listener);

    /**
     * @brief Counts the bytes this end hands to and reads from TCP into a record, and records
     * its TCP handshake segments and retransmissions there (TcpSocketBase "Tx"/"Rx" traces).
     * @param record the connection's record
     */
    void SetRecord(Ptr<TlsHandshakeRecord> record);

    /**
     * @brief Starts TLS once TCP is established: the client sends its ClientHello.
     * @param session client: a session to resume, or nullptr
     * @param earlyData client: 0-RTT bytes (sent only if the session allows)
     */
    void Start(SSL_SESSION* session = nullptr, std::vector<uint8_t> earlyData = {});

    /**
     * @brief Sends application data (after the handshake; queued before).
     * @param data the bytes
     */
    void Write(const std::vector<uint8_t>& data);

    /// Sends close_notify, then closes the socket once everything is sent.
    void Close();

    /// Closes the socket once what is queued is sent (e.g. the alert after a failure).
    void Abort();

    /// Detaches from the socket: no more callbacks.
    void Detach();

    /**
     * @return the engine (nullptr before Start, and once the connection is over: both ends
     * closed, nothing left to process; see ReleaseIfDone)
     */
    const TlsEngine* GetEngine() const;
    /// @return the socket (nullptr once it closed and TCP dropped it)
    Ptr<Socket> GetSocket() const;
    /// @return the simulated CPU time charged so far
    Time GetCpuTime() const;
    /// @return TCP segments sent again by this end
    uint32_t GetRetransmissions() const;
    /// @return the TCP error if the socket failed ("" otherwise)
    const std::string& GetTcpError() const;

    /// @return connections alive in this process (a leak check: 0 after Simulator::Destroy)
    static uint64_t GetLiveCount();
    /// @return the most connections alive at once since the last ResetPeakCount()
    static uint64_t GetPeakCount();
    /// Restarts GetPeakCount() from the current count.
    static void ResetPeakCount();

  private:
    /// One engine step's effects, applied when the step finishes.
    struct StepResult
    {
        Time start;                       //!< when the step began
        std::vector<TlsMessage> messages; //!< messages of the step
        std::vector<uint8_t> output;      //!< bytes to send
        std::vector<uint8_t> data;        //!< application data read
        bool established{false};          //!< the handshake completed in this step
        bool failed{false};               //!< the engine failed in this step
        bool peerClosed{false};           //!< close_notify read in this step
    };

    /// Runs one engine step now, or when the connection's previous step is done.
    void Pump();
    /// Pump() from m_pumpEvent (releases the event first).
    void RunDeferredPump();
    /// Applies a step's effects.
    void Apply(std::shared_ptr<StepResult> result);
    /// Apply() from the event Pump() scheduled.
    void ApplyScheduled(std::shared_ptr<StepResult> result);
    /// Hands queued bytes to the socket as far as its TX buffer allows.
    void SendPending();
    /**
     * Destroys the engine (the SSL object, its record layers and BIOs: ~25 KB) once nothing
     * can use it any more: this end closed its socket, the peer's FIN (or a TCP error) ended
     * the input, no step is pending, and destroying it changes no session (TlsEngine::
     * CanDestroyQuietly). The connection itself may live on, e.g. in an application's list of
     * closing connections, still recording its TCP segments.
     */
    void ReleaseIfDone();
    /// Socket callbacks.
    void OnRecv(Ptr<Socket> socket);
    void OnSend(Ptr<Socket> socket, uint32_t available);
    void OnNormalClose(Ptr<Socket> socket);
    void OnErrorClose(Ptr<Socket> socket);
    void OnTcpTx(Ptr<const Packet> packet,
                 const TcpHeader& header,
                 Ptr<const TcpSocketBase> socket);
    void OnTcpRx(Ptr<const Packet> packet,
                 const TcpHeader& header,
                 Ptr<const TcpSocketBase> socket);
    /// TcpSocketBase "State" trace: schedules ReleaseSocket once the closed socket is CLOSED.
    void OnTcpState(TcpSocket::TcpStates_t oldState, TcpSocket::TcpStates_t newState);
    /// Disconnects every callback and trace sink from the socket.
    void DisconnectSocket();
    /**
     * Lets go of a socket TCP has dropped (CLOSED, and closed by this end): nothing can come
     * from it any more, and a finished connection an application keeps (e.g. in its list of
     * closing connections) no longer keeps the socket alive.
     */
    void ReleaseSocket();

    Ptr<Socket> m_socket;                  //!< TCP socket
    std::shared_ptr<TlsContext> m_context; //!< TLS context
    std::unique_ptr<TlsEngine> m_engine;   //!< created by Start()
    Ptr<TlsCostModel> m_costModel;         //!< step cost
    Ptr<TlsCpu> m_cpu;                     //!< node CPU
    Listener m_listener;                   //!< owner callbacks
    Time m_busyUntil{0};                   //!< end of the current step
    EventId m_pumpEvent;                   //!< deferred step
    EventId m_socketGoneEvent;             //!< ReleaseSocket, scheduled
    std::vector<uint8_t> m_pendingWrites;  //!< app data for the next step
    bool m_shutdownRequested{false};       //!< close_notify for the next step
    std::vector<uint8_t> m_txQueue;        //!< bytes not yet accepted by the socket
    size_t m_txOffset{0};                  //!< first unsent byte in m_txQueue
    bool m_closeWhenSent{false};           //!< close the socket once m_txQueue drains
    bool m_socketClosed{false};            //!< Close() called on the socket
    bool m_inputEnded{false};              //!< peer's FIN processed, or the socket failed
    uint32_t m_appliesPending{0};          //!< steps scheduled to Apply, not applied yet
    uint32_t m_applyDepth{0};              //!< inside Apply (its callbacks may use the engine)
    bool m_failedReported{false};          //!< failure already reported
    std::vector<uint8_t> m_rxPending;      //!< received, not yet given to the engine
    Time m_cpuTime{0};                     //!< simulated CPU time charged
    uint32_t m_retransmissions{0};         //!< TCP retransmissions
    SequenceNumber32 m_highestTx{0};       //!< highest sequence end sent
    bool m_sentAny{false};                 //!< m_highestTx is valid
    std::string m_tcpError;                //!< TCP failure
    Ptr<TlsHandshakeRecord> m_record;      //!< byte counters (may be null)
};

} // namespace ns3

#endif /* TLS_CONNECTION_H */
