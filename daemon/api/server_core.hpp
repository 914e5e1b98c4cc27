// ServerCore: what every connection of the query API shares (configuration,
// sync control, worker pools, counters, the registry of open connections),
// and the request handler that turns a request into a Reply.
//
// Connections hold the core by shared_ptr, so it outlives the last of them.
// Thread-safety: the registry and `stopping` belong to the event loop's
// thread; metrics and the pools may be used from any thread; handleRequest()
// runs on the event loop and its `done` may be called from a worker thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "api/consumer_connection.hpp"
#include "api/metrics.hpp"
#include "api/reader_pool.hpp"
#include "api/reply.hpp"
#include "api/routes.hpp"
#include "common/secret.hpp"
#include "common/time.hpp"
#include "config/config.hpp"
#include "sync/sync_control.hpp"

namespace roomsd::api {

class Session;

struct ServerCore {
    ServerCore(const config::Config& config, sync::SyncControl& sync);

    // The configuration in force for what a reload may change (the limits, sync.interval_secs,
    // reports.dir), read once per request or connection. Any thread.
    std::shared_ptr<const config::Config> live() const;
    // Replaces it (SIGHUP); requests already running keep the one they read. Any thread.
    void setLive(const config::Config& applied);

    config::Config config; // as at start: what only a restart changes (sockets, database, key)
    sync::SyncControl& sync;
    std::optional<Secret> tcpToken; // server.tcp_token_file: the bearer token TCP clients must send
    ApiMetrics metrics;
    ReaderPool readers;                         // /v2, /status, /metrics
    ReaderPool sqlWorkers;                      // POST /sql
    ConsumerConnection consumers;               // the change feed's consumer table
    std::atomic<std::int64_t> changeWaiters{0}; // long-polls and event streams open (/metrics)
    Timestamp startedAt;
    std::chrono::steady_clock::time_point startedSteady;

    // Open connections by id (event loop only).
    std::map<std::uint64_t, std::weak_ptr<Session>> sessions;
    std::uint64_t nextSessionId = 0;
    int rejecting = 0; // connections being told 503 too_many_connections
    bool stopping = false;
    std::function<void()> onAllClosed; // set by stop(), called when the last connection goes

    void sessionGone(std::uint64_t id);

private:
    mutable std::mutex liveMutex_;
    std::shared_ptr<const config::Config> live_;
};

// A request as the handler sees it (no Beast types).
struct ApiRequest {
    std::string method; // "GET", "POST", ...
    std::string target; // path and query
    std::string contentType;
    std::string accept;
    std::string body;
    std::string lastEventId;               // the Last-Event-ID header (GET /changes/stream)
    boost::asio::any_io_executor executor; // the connection's: for answers that wait on a timer
    // Watches the connection while the answer waits: the token fires when the client closes it
    // (or the connection is closed). Unset outside a Session.
    std::function<std::stop_token()> watchClient;
};

using ReplyCallback = std::function<void(Reply)>;

// Answers `request` by calling `done` exactly once (possibly later, from a
// worker thread); returns the route it matched, for metrics and logs.
Route handleRequest(const std::shared_ptr<ServerCore>& core, const ApiRequest& request, ReplyCallback done);

} // namespace roomsd::api
