// QueryServer: roomsd's local query API, HTTP/1.1 on a Unix socket and,
// when server.tcp is set, on a loopback TCP address; the same routes on both.
//
//   GET  /v2/...  the Telnyx rooms API, answered from the mirror
//   POST /sql     one read-only SQL statement over the mirror's tables and views
//   GET  /status  sync state, database and daemon facts (JSON)
//   GET  /metrics Prometheus text format
//   POST /sync    start a pass now
//
// Every connection has a read deadline, header and body limits and answers one
// request at a time; past server.max_connections a client gets 503 and is
// closed. Database work runs on worker threads with their own read-only
// connections, so neither a slow query nor a sync pass stalls other clients.
// Thread-safety: construct, start() and stop() on the event loop's thread; the
// io_context must be run by one thread and outlive the server.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>

#include "api/errors.hpp"
#include "common/secret.hpp"
#include "config/config.hpp"
#include "sync/sync_control.hpp"

namespace roomsd::api {

struct ServerCore;

// Listening sockets a service manager handed over (socket activation), served instead of
// binding server.socket and server.tcp. The server owns and closes them.
struct InheritedSockets {
    std::optional<int> unixFd;
    std::optional<int> tcpFd;
};

class QueryServer {
public:
    QueryServer(boost::asio::io_context& io, const config::Config& config, sync::SyncControl& sync);
    ~QueryServer();
    QueryServer(const QueryServer&) = delete;
    QueryServer& operator=(const QueryServer&) = delete;

    // TCP clients must send `token` as a bearer token (server.tcp_token_file). Before start().
    void requireTcpToken(Secret token);
    // Binds server.socket (replacing a stale socket file, refusing one a live
    // process serves) and server.tcp, and starts accepting. Throws ServerError.
    // A socket in `inherited` is served as it is: its file, mode and address are
    // the service manager's, and stop() leaves its file in place.
    void start(const InheritedSockets& inherited = {});
    // Stops accepting and removes the socket file; requests in flight get a few
    // seconds to finish, running SQL is interrupted; then `done` runs on the event loop.
    void stop(std::function<void()> done);
    // Takes a reloaded configuration (SIGHUP) for the limits of the next connections and requests;
    // the sockets stay as bound. Any thread.
    void reload(const config::Config& applied);

    const std::filesystem::path& socketPath() const;
    // The TCP address actually bound (the real port when server.tcp said 0).
    std::optional<boost::asio::ip::tcp::endpoint> tcpEndpoint() const;

private:
    void bindSocket(const std::filesystem::path& path, unsigned mode);
    void bindTcp(const config::TcpEndpoint& tcp);

    boost::asio::io_context& io_;
    std::shared_ptr<ServerCore> core_;
    struct Listeners;
    std::unique_ptr<Listeners> listeners_;
};

} // namespace roomsd::api
