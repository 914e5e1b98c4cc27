// SimServer: telnyx-sim's HTTP/1.1 server (Boost.Beast) on a loopback address.
//
// Serves the rooms API under /v2 (Bearer key, optional rate limits, fault rules,
// added latency, gzip, live activity) and the /_sim control endpoints, to any number of
// concurrent keep-alive connections, asynchronously on one io_context thread.
// Every connection has a deadline for each request it reads and for each answer
// it writes, and limits on header and body size.
// Thread-safety: construct, start and stop on the thread that runs the io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "account.hpp"
#include "activity.hpp"
#include "common/secret.hpp"

namespace roomsd::sim {

struct ServerOptions {
    boost::asio::ip::address address = boost::asio::ip::make_address("127.0.0.1");
    unsigned short port = 0; // 0: any free port
    Secret apiKey;
    std::int64_t rateLimit = 0; // requests per window and key; 0: unlimited
    std::chrono::seconds rateWindow{1};
    std::chrono::milliseconds latency{0};    // added before each /v2 answer
    bool gzip = true;                        // compress when the client accepts gzip
    bool verbose = false;                    // one stderr line per request
    std::chrono::seconds requestTimeout{30}; // to receive a whole request (idle keep-alive included)
    std::chrono::seconds writeTimeout{30};
    std::size_t maxConnections = 1024; // more are accepted and closed at once
    std::int64_t hardLimit = 0;        // /v2 requests in any rolling second; 0: none
    ActivityOptions activity;          // live changes to the account
    std::uint64_t faultSeed = 1;       // the draws of fault rules with a rate
};

struct ServerCore;
class ServerListener;

class SimServer {
public:
    // Binds and listens (throws boost::system::system_error when it cannot); accepts nothing until start().
    SimServer(boost::asio::io_context& io, ServerOptions options, Account account);
    ~SimServer();
    SimServer(const SimServer&) = delete;
    SimServer& operator=(const SimServer&) = delete;

    // The port actually bound (the real one when options.port was 0).
    unsigned short port() const;
    void start();
    // Stops accepting, closes every connection and cancels their timers; `stopped`
    // runs once the last connection is gone.
    void stop(std::function<void()> stopped);

private:
    std::shared_ptr<ServerCore> core_;
    std::shared_ptr<ServerListener> listener_;
};

} // namespace roomsd::sim
