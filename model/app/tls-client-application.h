/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_CLIENT_APPLICATION_H
#define TLS_CLIENT_APPLICATION_H

#include "ns3/tls-application.h"
#include "ns3/tls-connection.h"
#include "ns3/tls-handshake-record.h"

#include "ns3/address.h"
#include "ns3/event-id.h"
#include "ns3/traced-callback.h"

#include <list>
#include <map>
#include <vector>

namespace ns3
{

/**
 * @ingroup tls-app
 * @brief Opens Handshakes TLS connections to Remote, one after another, and measures each.
 *
 * Per connection: TCP connect, the TLS handshake (resuming the previous connection's session
 * if Resumption is set, with EarlyData bytes of 0-RTT data when possible), an optional request
 * of RequestSize bytes answered by ResponseSize bytes, then close_notify and FIN. The next
 * connection starts Interval after the previous one ended. Each connection gives a
 * TlsHandshakeRecord (GetRecords()).
 *
 * The request carries its own length and the response length in its first 8 bytes, so any
 * TlsServerApplication answers it without configuration.
 */
class TlsClientApplication : public TlsApplication
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();

    TlsClientApplication();
    ~TlsClientApplication() override;

    /// @return the records of the connections finished so far, plus the current one
    std::vector<Ptr<TlsHandshakeRecord>> GetRecords() const;

    /// Client state, for the StateTransition trace.
    enum State
    {
        NOT_STARTED,
        CONNECTING,
        HANDSHAKING,
        ESTABLISHED,
        WAITING,
        STOPPED
    };

    /// @return the name of a state
    static std::string GetStateString(State state);

    /// Signature of ConnectionStart: the record the connection fills (a collector may keep it).
    typedef void (*ConnectionStartTracedCallback)(Ptr<TlsHandshakeRecord> record);
    /// Signature of HandshakeComplete / HandshakeFailed / ConnectionDone.
    typedef void (*RecordTracedCallback)(Ptr<const TlsHandshakeRecord> record);
    /// Signature of HandshakeMessage.
    typedef void (*MessageTracedCallback)(const TlsMessageTiming& message);
    /// Signature of StateTransition.
    typedef void (*StateTransitionTracedCallback)(const std::string& oldState,
                                                  const std::string& newState);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /// Opens the next connection.
    void StartConnection();
    /// TCP callbacks.
    void OnConnected(Ptr<Socket> socket);
    void OnConnectFailed(Ptr<Socket> socket);
    /// TLS callbacks.
    void OnHandshakeDone();
    void OnData(const std::vector<uint8_t>& data);
    void OnFailed();
    void OnPeerClosed();
    void OnMessage(const TlsMessage& message, Time time);
    void OnTimeout();
    /// A message of a connection that already finished.
    void OnClosingMessage(Ptr<TlsHandshakeRecord> record, const TlsMessage& message, Time time);
    /// Ends the current connection once everything wanted has arrived.
    void CheckDone();
    /// Ends the current connection.
    void Finish(const std::string& error);
    /**
     * @brief Fires ConnectionDone for a record waiting for the server's side (once).
     * @param record the record
     */
    void ConnectionDone(Ptr<TlsHandshakeRecord> record);
    /// Changes state and fires StateTransition.
    void SwitchToState(State state);

    Address m_remote;           //!< server address
    uint32_t m_handshakes{1};   //!< connections to open
    Time m_interval;            //!< pause between connections
    Time m_timeout;             //!< per-connection limit
    uint32_t m_earlyData{0};    //!< 0-RTT bytes on resumed connections
    uint32_t m_requestSize{0};  //!< request bytes (0: none)
    uint32_t m_responseSize{0}; //!< response bytes asked for
    uint32_t m_clientIndex{0};  //!< written into the records

    std::shared_ptr<TlsContext> m_context;          //!< client context
    State m_state{NOT_STARTED};                     //!< state
    uint32_t m_started{0};                          //!< connections opened
    Ptr<TlsConnection> m_connection;                //!< current connection
    Ptr<TlsHandshakeRecord> m_record;               //!< its record
    uint64_t m_responseBytes{0};                    //!< response bytes received
    uint32_t m_requestTotal{0};                     //!< bytes of the request incl. 0-RTT
    std::vector<uint8_t> m_request;                 //!< the request
    SSL_SESSION* m_session{nullptr};                //!< for resumption
    EventId m_timeoutEvent;                         //!< current connection's limit
    EventId m_nextEvent;                            //!< next connection
    std::vector<Ptr<TlsHandshakeRecord>> m_records; //!< finished connections
    // (a list: an empty std::deque allocates ~600 bytes, for each client of a run)
    std::list<Ptr<TlsConnection>> m_closing;                       //!< finished, still closing
    std::map<Ptr<TlsHandshakeRecord>, EventId> m_waitingForServer; //!< done, server side not yet

    TracedCallback<Ptr<TlsHandshakeRecord>> m_connectionStartTrace;         //!< Connect() called
    TracedCallback<Ptr<const TlsHandshakeRecord>> m_handshakeCompleteTrace; //!< client done
    TracedCallback<Ptr<const TlsHandshakeRecord>> m_handshakeFailedTrace;   //!< failure
    TracedCallback<Ptr<const TlsHandshakeRecord>> m_connectionDoneTrace;    //!< record final
    TracedCallback<const TlsMessageTiming&> m_messageTrace;                 //!< a message
    TracedCallback<const std::string&, const std::string&> m_stateTrace;    //!< state change
};

} // namespace ns3

#endif /* TLS_CLIENT_APPLICATION_H */
