/*
 * SPDX-License-Identifier: GPL-2.0-only
 */
#ifndef TLS_SERVER_APPLICATION_H
#define TLS_SERVER_APPLICATION_H

#include "ns3/tls-application.h"
#include "ns3/tls-connection.h"
#include "ns3/tls-handshake-record.h"

#include "ns3/traced-callback.h"

#include <deque>
#include <map>

namespace ns3
{

/**
 * @ingroup tls-app
 * @brief Accepts any number of concurrent TLS connections on Port and answers requests.
 *
 * Each accepted connection runs a server TlsEngine. When a TlsTrackerHelper tracks both this
 * server and the TlsClientApplication that connected, the server's times and bytes are written
 * into the client's TlsHandshakeRecord (server_done_ms, server_bytes, ...).
 */
class TlsServerApplication : public TlsApplication
{
  public:
    /// @return the TypeId
    static TypeId GetTypeId();

    TlsServerApplication();
    ~TlsServerApplication() override;

    /// @return connections accepted so far
    uint32_t GetAccepted() const;
    /// @return handshakes completed so far
    uint32_t GetCompleted() const;
    /// @return handshakes failed so far
    uint32_t GetFailed() const;
    /// @return connections currently open
    uint32_t GetOpen() const;

    /// Finds the client's record of an accepted connection from the client's address.
    typedef Callback<Ptr<TlsHandshakeRecord>, const Address&> RecordLookup;

    /**
     * @brief Lets the server write its side into the client's record (TlsTrackerHelper does).
     *
     * Without a lookup, or when it returns nullptr (a client outside the tracker), the server
     * fills a record of its own, seen through its trace sources.
     * @param lookup client address and port -> the client's record
     */
    void SetRecordLookup(RecordLookup lookup);

    /// Signature of the Accept trace.
    typedef void (*AcceptTracedCallback)(Ptr<const Socket> socket, const Address& from);

  protected:
    void DoDispose() override;

  private:
    /// One accepted connection.
    struct Session
    {
        Ptr<TlsConnection> connection;  //!< TLS over the accepted socket
        Ptr<TlsHandshakeRecord> record; //!< the client's record (or a local one)
        std::vector<uint8_t> header;    //!< first request bytes
        uint64_t requestBytes{0};       //!< request bytes received
        bool responded{false};          //!< response written
        bool done{false};               //!< handshake completed or failed
    };

    void StartApplication() override;
    void StopApplication() override;

    /**
     * @brief Opens a listening socket.
     * @param local the address and port to listen on
     * @return the socket
     */
    Ptr<Socket> Listen(const Address& local);
    /// Listening socket callbacks: a SYN arrived (recorded, accepted); a connection is up.
    bool OnConnectionRequest(Ptr<Socket> socket, const Address& from);
    /// A segment of a socket not yet accepted (SYN-ACK sent, ACK or SYN received) -> record.
    void OnTcpSegment(bool sent,
                      Ptr<const Packet> packet,
                      const TcpHeader& header,
                      Ptr<const TcpSocketBase> socket);
    void OnAccept(Ptr<Socket> socket, const Address& from);
    /// Per-connection callbacks (the socket identifies the session).
    void OnHandshakeDone(Ptr<Socket> socket);
    void OnData(Ptr<Socket> socket, const std::vector<uint8_t>& data);
    void OnFailed(Ptr<Socket> socket);
    void OnPeerClosed(Ptr<Socket> socket);
    void OnMessage(Ptr<Socket> socket, const TlsMessage& message, Time time);
    /// Copies the server's counters into the record.
    void UpdateRecord(Session& session);
    /// Ends a session (close or abort).
    void EndSession(Ptr<Socket> socket, bool graceful);

    uint16_t m_port{443};                      //!< listening port
    std::shared_ptr<TlsContext> m_context;     //!< server context
    Ptr<Socket> m_listener;                    //!< IPv4 listening socket
    Ptr<Socket> m_listener6;                   //!< IPv6 listening socket (if IPv6)
    std::map<Ptr<Socket>, Session> m_sessions; //!< open connections
    std::deque<Ptr<TlsConnection>> m_closing;  //!< ended, still closing
    uint32_t m_accepted{0};                    //!< counter
    uint32_t m_completed{0};                   //!< counter
    uint32_t m_failed{0};                      //!< counter
    RecordLookup m_recordLookup;               //!< joins the client's record (may be null)

    TracedCallback<Ptr<const TlsHandshakeRecord>> m_handshakeCompleteTrace; //!< server done
    TracedCallback<Ptr<const TlsHandshakeRecord>> m_handshakeFailedTrace;   //!< failure
    TracedCallback<const TlsMessageTiming&> m_messageTrace;                 //!< a message
    TracedCallback<Ptr<const Socket>, const Address&> m_acceptTrace;        //!< accepted
};

} // namespace ns3

#endif /* TLS_SERVER_APPLICATION_H */
