// How roomsctl reaches roomsd: one HTTP/1.1 exchange per request over its Unix socket.
//
// Transport is the seam the command runner talks through, so the runner can be
// tested without a daemon. UnixSocketTransport is the real one (Boost.Beast,
// synchronous for the caller): each request opens a connection, and the whole
// exchange (connect, write, read) has one deadline and a size limit on the answer.
// Thread-safety: one caller at a time per object.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "ctl/request.hpp"

namespace roomsd::ctl {

// What the daemon answered.
struct HttpReply {
    int status = 0;
    std::string contentType;
    std::optional<std::string> syncedAt; // the Roomsd-Synced-At header, when sent
    std::string body;
};

class Transport {
public:
    virtual ~Transport() = default;
    // The daemon's answer, whatever its status. Errors: Transient when no answer
    // arrived (no socket, refused, timed out, closed early; the message is the
    // reason), Protocol when what arrived is not an HTTP response.
    virtual Result<HttpReply> send(const HttpRequest& request) = 0;
    // Where the daemon is expected, for messages: the socket's path.
    virtual std::string endpoint() const = 0;
};

class UnixSocketTransport final : public Transport {
public:
    // The largest answer accepted: well above a page of 250 records with their
    // children, or the daemon's default SQL answer limit (16 MiB).
    static constexpr std::size_t kMaxReplyBytes = 256u << 20;

    UnixSocketTransport(std::string socketPath, std::chrono::milliseconds timeout);

    Result<HttpReply> send(const HttpRequest& request) override;
    std::string endpoint() const override { return socketPath_; }

private:
    std::string socketPath_;
    std::chrono::milliseconds timeout_;
};

} // namespace roomsd::ctl
