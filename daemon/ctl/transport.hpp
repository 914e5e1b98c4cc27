// How roomsctl reaches roomsd: one HTTP/1.1 exchange per request over its Unix socket.
//
// Transport is the seam the command runner talks through, so the runner can be
// tested without a daemon. UnixSocketTransport is the real one (Boost.Beast,
// synchronous for the caller): each request opens a connection, and the whole
// exchange (connect, write, read) has one deadline and a size limit on the answer;
// a streamed answer (an SQL export) has neither, only a limit on each wait. A stop token
// (cancelOn) ends an exchange early, for a caller that long-polls and must stop within a second.
// Thread-safety: one caller at a time per object.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "ctl/request.hpp"

namespace roomsd::ctl {

// What the daemon answered.
struct HttpReply {
    int status = 0;
    std::string contentType;
    std::optional<std::string> syncedAt; // the Roomsd-Synced-At header, when sent
    std::string body;                    // empty when it went to a BodyWriter
    bool complete = true;                // false: the daemon ended the connection before the body's end
    std::string incompleteReason;        // then: how the connection ended
};

// Takes a successful answer's body piece by piece as it arrives; `head` is the answer
// without its body (status, content type, freshness).
using BodyWriter = std::function<void(const HttpReply& head, std::string_view piece)>;

class Transport {
public:
    virtual ~Transport() = default;
    // The daemon's answer, whatever its status. Errors: Transient when no answer
    // arrived (no socket, refused, timed out, closed early; the message is the
    // reason), Protocol when what arrived is not an HTTP response.
    virtual Result<HttpReply> send(const HttpRequest& request) = 0;
    // send(), except that a 2xx answer's body goes to `writer` as it arrives (reply.body
    // stays empty) and an answer cut short is not an error: reply.complete says whether
    // the body reached its end. The default gives the whole body of send() at once.
    virtual Result<HttpReply> stream(const HttpRequest& request, const BodyWriter& writer);
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
    // The timeout bounds each wait for the next piece, so an export may take longer than it.
    Result<HttpReply> stream(const HttpRequest& request, const BodyWriter& writer) override;
    std::string endpoint() const override { return socketPath_; }
    // From now on a stop request on `stop` (from any thread) ends the exchange in flight at
    // once, and every later one before it starts: they answer ErrorKind::Cancelled.
    void cancelOn(std::stop_token stop) { stop_ = std::move(stop); }

private:
    Result<HttpReply> exchange(const HttpRequest& request, const BodyWriter* writer);

    std::string socketPath_;
    std::chrono::milliseconds timeout_;
    std::stop_token stop_;
};

} // namespace roomsd::ctl
