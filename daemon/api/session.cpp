// One connection of the query API.
// Thread-safety: see session.hpp.
#include "api/session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>

#include "api/loop_reply.hpp"
#include "common/strings.hpp"
#include "common/version.hpp"

namespace roomsd::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kHeaderLimit = 8 * 1024;
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kRejectTimeout = std::chrono::seconds(2);
// After a final answer, read (and drop) what the client still sends for this
// long or this much, so that closing does not reset the connection before the
// client has read the answer.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr std::size_t kLingerBytes = 1u << 20;

bool isHttpError(beast::error_code ec) {
    return ec.category() == make_error_code(http::error::end_of_stream).category();
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// Whether an Authorization header carries `token` as a bearer token, compared in constant time.
bool presentsToken(std::string_view authorization, const Secret& token) {
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.size() < kScheme.size() || !iequals(authorization.substr(0, kScheme.size()), kScheme))
        return false;
    std::string_view given = authorization.substr(kScheme.size());
    const std::string& wanted = token.reveal();
    if (wanted.empty()) return false;
    unsigned char difference = given.size() == wanted.size() ? 0 : 1;
    for (std::size_t i = 0; i < given.size(); ++i)
        difference |= static_cast<unsigned char>(given[i] ^ wanted[i % wanted.size()]);
    return difference == 0;
}

} // namespace

Session::Session(Protocol::socket socket, std::shared_ptr<ServerCore> core, std::optional<std::uint64_t> id)
    : stream_(std::move(socket)), core_(std::move(core)), id_(id), pieceWait_(stream_.get_executor()) {
    if (core_->tcpToken) {
        beast::error_code ec;
        auto local = stream_.socket().local_endpoint(ec);
        needsToken_ = ec || local.protocol().family() != AF_UNIX; // in doubt, ask for the token
    }
    if (id_)
        core_->metrics.connectionOpened();
    else
        ++core_->rejecting;
}

Session::~Session() {
    clientGone_.request_stop();
    if (body_) body_->abandon();
    if (id_) {
        core_->metrics.connectionClosed();
        core_->sessionGone(*id_);
    } else {
        --core_->rejecting;
    }
}

void Session::start() { readRequest(); }

void Session::reject() {
    state_ = State::Busy;
    received_ = Clock::now();
    keepAlive_ = false;
    Reply reply = errorReply(503, "too_many_connections", "Too many connections",
                             "roomsd serves at most " + std::to_string(core_->live()->server.maxConnections) +
                                 " connections at once (server.max_connections); retry shortly");
    reply.headers.emplace_back("Retry-After", "1");
    reply.close = true;
    send(std::move(reply));
}

void Session::beginShutdown() {
    shutdownRequested_ = true;
    if (state_ == State::Reading) closeNow();
}

void Session::closeNow() {
    state_ = State::Closing;
    clientGone_.request_stop();
    if (body_) body_->abandon();
    pieceWait_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(Protocol::socket::shutdown_both, ignored);
    stream_.close();
}

void Session::readRequest() {
    if (shutdownRequested_ || core_->stopping) return closeNow();
    state_ = State::Reading;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    auto live = core_->live();
    parser_->body_limit(live->server.maxBodyBytes);
    stream_.expires_after(std::chrono::seconds(live->server.requestTimeoutSecs));
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
}

void Session::onHeader(beast::error_code ec) {
    if (ec) return onReadError(ec);
    const auto& request = parser_->get();
    if (needsToken_ && !presentsToken(request[http::field::authorization], *core_->tcpToken))
        return refuseWithoutToken(request);
    if (!parser_->is_done() && request.version() >= 11 && iequals(request[http::field::expect], "100-continue")) {
        continue_ = std::make_unique<http::response<http::empty_body>>(http::status::continue_, 11);
        http::async_write(stream_, *continue_, [self = shared_from_this()](beast::error_code writeError, std::size_t) {
            self->continue_.reset();
            if (writeError) return self->closeNow();
            self->readBody();
        });
        return;
    }
    readBody();
}

void Session::readBody() {
    if (parser_->is_done()) return onRequest();
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onBody(ec); });
}

void Session::onBody(beast::error_code ec) {
    if (ec) return onReadError(ec);
    onRequest();
}

void Session::onReadError(beast::error_code ec) {
    if (state_ == State::Closing) return;
    // The client went away, timed out or was cut off by shutdown: nothing to answer.
    if (!isHttpError(ec) || ec == http::error::end_of_stream || ec == http::error::partial_message) return closeNow();
    stream_.expires_never();
    state_ = State::Busy;
    received_ = Clock::now();
    route_ = Route::Unknown;
    method_.clear();
    target_.clear();
    head_ = false;
    keepAlive_ = false;
    Reply reply;
    if (ec == http::error::header_limit) {
        reply = errorReply(431, "header_too_large", "Request header too large",
                           "the request line and headers may take at most 8 KiB");
    } else if (ec == http::error::body_limit) {
        reply = errorReply(413, "body_too_large", "Request body too large",
                           "the request body may take at most " + std::to_string(core_->live()->server.maxBodyBytes) +
                               " bytes (server.max_body_bytes)");
    } else {
        reply =
            errorReply(400, "bad_request", "Malformed request", "the request is not valid HTTP/1.1: " + ec.message());
    }
    reply.close = true;
    send(std::move(reply));
}

void Session::refuseWithoutToken(const Request& request) {
    stream_.expires_never();
    state_ = State::Busy;
    received_ = Clock::now();
    route_ = Route::Unknown;
    method_ = std::string(request.method_string());
    target_ = std::string(request.target());
    head_ = request.method() == http::verb::head;
    keepAlive_ = false;
    Reply reply = errorReply(401, "unauthorized", "Authentication required",
                             "this TCP listener requires the token of server.tcp_token_file, as "
                             "'Authorization: Bearer TOKEN'");
    reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"roomsd\"");
    reply.close = true;
    send(std::move(reply));
}

void Session::onRequest() {
    stream_.expires_never();
    state_ = State::Busy;
    received_ = Clock::now();
    Request request = parser_->release();
    parser_.reset();
    method_ = std::string(request.method_string());
    target_ = std::string(request.target());
    head_ = request.method() == http::verb::head;
    keepAlive_ = request.keep_alive();
    ApiRequest api;
    api.method = method_;
    api.target = target_;
    api.contentType = std::string(request[http::field::content_type]);
    api.accept = std::string(request[http::field::accept]);
    api.body = std::move(request.body());
    api.lastEventId = std::string(request["Last-Event-ID"]);
    api.executor = stream_.get_executor();
    ++requestGeneration_;
    clientGone_ = std::stop_source();
    watching_ = false;
    api.watchClient = [weak = weak_from_this()]() -> std::stop_token {
        auto self = weak.lock();
        return self ? self->watchClient() : std::stop_token();
    };

    // The answer may come from a worker thread, or never (a job that threw): LoopReply
    // posts exactly one answer to this connection's executor, and the session travels
    // only inside that posted handler, so it is never released on a worker thread.
    auto self = shared_from_this();
    Session* session = this;
    ReplyCallback done = replyOnLoop(std::make_shared<LoopReply>(
        stream_.get_executor(), std::move(self), [session](Reply reply) { session->send(std::move(reply)); }));
    try {
        route_ = handleRequest(core_, api, done);
    } catch (const std::exception& e) {
        spdlog::error("query API: {} {}: {}", printableForLog(method_, 20), printableForLog(target_), e.what());
        done(
            errorReply(500, "internal_error", "Internal error", "the request could not be answered; see roomsd's log"));
    }
}

std::stop_token Session::watchClient() {
    if (!watching_ && state_ == State::Busy) {
        watching_ = true;
        stream_.socket().async_wait(Protocol::socket::wait_read,
                                    [self = shared_from_this(), generation = requestGeneration_](beast::error_code ec) {
                                        self->onClientReadable(generation, ec);
                                    });
    }
    return clientGone_.get_token();
}

void Session::onClientReadable(std::uint64_t generation, beast::error_code ec) {
    if (generation != requestGeneration_ || state_ == State::Closing) return;
    watching_ = false;
    if (ec) return; // cancelled: the answer is on its way
    // Readable while the answer waits: the client closed (0 bytes) or sent more (a pipelined
    // request, read once this answer is written).
    char byte = 0;
    ssize_t n = ::recv(stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) closeNow();
}

void Session::send(Reply reply) {
    if (state_ == State::Closing) return;
    if (watching_ && !reply.stream) {
        // The watch is the only operation pending on the socket here.
        watching_ = false;
        beast::error_code ignored;
        stream_.socket().cancel(ignored);
    }
    if (id_) {
        double seconds = std::chrono::duration<double>(Clock::now() - received_).count();
        core_->metrics.recordRequest(routeLabel(route_), reply.status, seconds);
        spdlog::debug("query API: {} {} -> {} ({:.1f} ms)", printableForLog(method_, 20), printableForLog(target_),
                      reply.status, seconds * 1000);
    }
    bool close = reply.close || !keepAlive_ || shutdownRequested_ || core_->stopping;
    auto head = [&](auto& message) {
        message.set(http::field::server, std::string("roomsd/") + kVersion);
        message.set(http::field::content_type, reply.contentType);
        message.set(http::field::cache_control, "no-store");
        for (const auto& [name, value] : reply.headers) message.set(name, value);
        if (reply.syncedAt) message.set("Roomsd-Synced-At", syncedAtHeader(*reply.syncedAt));
        message.keep_alive(!close);
    };
    if (reply.stream) {
        auto streamed = std::make_unique<http::response<http::empty_body>>(static_cast<http::status>(reply.status), 11);
        head(*streamed);
        return sendStreamed(std::move(streamed), std::move(reply.stream), close);
    }
    auto response = std::make_unique<Response>(static_cast<http::status>(reply.status), 11);
    head(*response);
    response->body() = std::move(reply.body);
    response->prepare_payload();
    if (head_) {
        std::size_t length = response->body().size();
        response->body().clear();
        response->content_length(length);
    }
    state_ = State::Writing;
    stream_.expires_after(id_ ? std::chrono::duration_cast<std::chrono::seconds>(kWriteTimeout) : kRejectTimeout);
    response_ = std::move(response);
    http::async_write(stream_, *response_, [self = shared_from_this(), close](beast::error_code ec, std::size_t) {
        self->onWritten(ec, close);
    });
}

void Session::sendStreamed(std::unique_ptr<http::response<http::empty_body>> head, std::shared_ptr<BodyStream> body,
                           bool close) {
    state_ = State::Writing;
    closeAfterStream_ = close;
    body_ = std::move(body);
    // The worker wakes the connection through the loop; a weak pointer, so that a session
    // gone meanwhile is never kept, or released, by the worker's thread.
    body_->setWake([weak = weak_from_this(), executor = stream_.get_executor()] {
        net::post(executor, [weak] {
            if (auto self = weak.lock()) self->pieceWait_.cancel();
        });
    });
    head->chunked(true);
    streamHead_ = std::move(head);
    streamSerializer_ = std::make_unique<http::response_serializer<http::empty_body>>(*streamHead_);
    stream_.expires_after(kWriteTimeout);
    http::async_write_header(stream_, *streamSerializer_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                 if (ec) return self->closeNow();
                                 self->pumpStream();
                             });
}

void Session::pumpStream() {
    if (state_ == State::Closing) return;
    auto taken = body_->take();
    if (!taken) {
        // Nothing new yet: wait (no socket deadline: the query's own time limit bounds the worker).
        stream_.expires_never();
        pieceWait_.expires_at(net::steady_timer::time_point::max());
        pieceWait_.async_wait([self = shared_from_this()](beast::error_code) { self->pumpStream(); });
        return;
    }
    bool ended = taken->ended;
    bool complete = taken->complete;
    if (taken->data.empty()) return ended ? endStream(complete) : pumpStream();
    piece_ = std::move(taken->data);
    stream_.expires_after(kWriteTimeout);
    net::async_write(stream_, http::make_chunk(net::buffer(piece_)),
                     [self = shared_from_this(), ended, complete](beast::error_code ec, std::size_t) {
                         if (ec) return self->closeNow();
                         if (ended) return self->endStream(complete);
                         self->pumpStream();
                     });
}

void Session::endStream(bool complete) {
    body_.reset();
    piece_.clear();
    if (!complete) return lingeringClose(); // no last chunk: the client sees an incomplete answer
    stream_.expires_after(kWriteTimeout);
    net::async_write(stream_, http::make_chunk_last(), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->streamSerializer_.reset();
        self->streamHead_.reset();
        self->onWritten(ec, self->closeAfterStream_);
    });
}

void Session::onWritten(beast::error_code ec, bool close) {
    response_.reset();
    if (ec) return closeNow();
    if (close) return lingeringClose();
    readRequest();
}

void Session::lingeringClose() {
    state_ = State::Closing;
    beast::error_code ignored;
    stream_.socket().shutdown(Protocol::socket::shutdown_send, ignored);
    drained_ = 0;
    stream_.expires_after(kLingerTime);
    drain();
}

void Session::drain() {
    stream_.async_read_some(net::buffer(drainBuffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->drained_ += n;
                                if (ec || self->drained_ > kLingerBytes) return self->closeNow();
                                self->drain();
                            });
}

} // namespace roomsd::api
