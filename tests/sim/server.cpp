#include "server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <iostream>
#include <optional>
#include <unordered_map>

#include "api.hpp"
#include "common/strings.hpp"
#include "common/version.hpp"
#include "control.hpp"
#include "gzip.hpp"
#include "query.hpp"
#include "rate_limit.hpp"
#include "state.hpp"

namespace roomsd::sim {
namespace {

// A request's header and body limits (431 and 413 past them).
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kBodyLimit = 1024 * 1024;

} // namespace

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// True for the base path ("/v2") and everything below it.
bool isApiPath(std::string_view base, std::string_view path) {
    return path.starts_with(base) && (path.size() == base.size() || path[base.size()] == '/');
}
bool isControlPath(std::string_view path) { return path == "/_sim" || path.starts_with("/_sim/"); }

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// The token of an "Authorization: Bearer TOKEN" header, empty when there is none.
std::string_view bearerToken(std::string_view authorization) {
    authorization = trim(authorization);
    constexpr std::string_view kScheme = "bearer ";
    if (authorization.size() <= kScheme.size() || !equalsIgnoringCase(authorization.substr(0, 7), kScheme)) return {};
    return trim(authorization.substr(kScheme.size()));
}

// Compares without an early exit, so the time taken does not tell how much of a guess was right.
bool sameSecret(std::string_view presented, const std::string& key) {
    if (presented.size() != key.size() || key.empty()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < key.size(); ++i) diff |= static_cast<unsigned char>(presented[i] ^ key[i]);
    return diff == 0;
}

} // namespace

struct ServerCore {
    ServerCore(net::io_context& io, ServerOptions opts, Account account)
        : options(std::move(opts)), state(std::move(account), options.activity, options.faultSeed),
          limiter(options.rateLimit, options.rateWindow), hardLimiter(options.hardLimit), activityTimer(io) {}

    ServerOptions options;
    SimulatorState state;
    RateLimiter limiter;
    HardLimiter hardLimiter;
    net::steady_timer activityTimer;                                  // the every-M-ms trigger of activity
    std::unordered_map<std::uint64_t, std::function<void()>> closers; // connection id -> close it now
    std::uint64_t nextConnectionId = 0;
    bool stopping = false;
    std::function<void()> stopped;

    // (Re)starts the timed trigger of activity as its options say; off when interval_ms is 0.
    void armActivity() {
        activityTimer.cancel();
        std::int64_t interval = state.activity.options().intervalMs;
        if (interval <= 0 || stopping) return;
        activityTimer.expires_after(std::chrono::milliseconds(interval));
        activityTimer.async_wait([this](beast::error_code ec) {
            if (ec || stopping) return;
            try {
                state.activity.apply(state.account, state.activity.options().changes, nowUtc());
            } catch (const std::exception& e) { // a bug: say so, keep serving
                std::cerr << "telnyx-sim: activity failed: " << printableForLog(e.what()) << '\n';
            }
            armActivity();
        });
    }

    void connectionGone(std::uint64_t id) {
        closers.erase(id);
        if (stopping && closers.empty() && stopped) std::exchange(stopped, nullptr)();
    }
};

namespace {

// What to do with one request once it has been decided.
struct Answer {
    enum class Action { Respond, Truncate, Close, Hold } action = Action::Respond;
    Response response;
    std::chrono::milliseconds delay{0};
};

// One accepted TCP connection: reads requests one after another and answers each.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(tcp::socket socket, std::shared_ptr<ServerCore> core, std::uint64_t id)
        : stream_(std::move(socket)), timer_(stream_.get_executor()), core_(std::move(core)), id_(id) {}
    ~Connection() { core_->connectionGone(id_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void start() {
        std::weak_ptr<Connection> weak = weak_from_this();
        core_->closers[id_] = [weak] {
            if (auto self = weak.lock()) self->closeNow();
        };
        readRequest();
    }

private:
    void readRequest() {
        parser_.emplace();
        parser_->header_limit(kHeaderLimit);
        parser_->body_limit(kBodyLimit);
        stream_.expires_after(core_->options.requestTimeout);
        http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Connection::onHeader, shared_from_this()));
    }

    // libcurl (and others) send "Expect: 100-continue" before a body over 1 KiB and wait a
    // second for the go-ahead; giving it at once keeps control POSTs fast.
    void onHeader(beast::error_code ec, std::size_t) {
        if (ec) return onRead(ec, 0);
        if (!equalsIgnoringCase(parser_->get()[http::field::expect], "100-continue") || parser_->is_done())
            return readBody();
        static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        net::async_write(stream_, net::buffer(kContinue),
                         [self = shared_from_this()](beast::error_code e, std::size_t) {
                             if (e) return self->closeNow();
                             self->readBody();
                         });
    }

    void readBody() {
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Connection::onRead, shared_from_this()));
    }

    void onRead(beast::error_code ec, std::size_t) {
        if (ec == http::error::header_limit || ec == http::error::body_limit) {
            request_ = {}; // the previous request's, else: only the log line reads it
            request_.method_string("-");
            request_.target("(request too large)");
            Response response{ec == http::error::header_limit ? http::status::request_header_fields_too_large
                                                              : http::status::payload_too_large,
                              11};
            response.body() = errorBody({"10015", "Invalid request", "The request is too large.", ""});
            finish(response, false);
            return send(Answer{Answer::Action::Respond, std::move(response), {}}, std::nullopt);
        }
        if (ec) return closeNow(); // end of stream, timeout, reset or cancelled
        stream_.expires_never();
        request_ = parser_->release();
        std::string_view target = request_.target();
        bool api = isApiPath(basePath(), target.substr(0, target.find('?')));
        if (api && core_->options.latency.count() > 0) {
            timer_.expires_after(core_->options.latency);
            timer_.async_wait([self = shared_from_this()](beast::error_code waitError) {
                if (!waitError) self->dispatch();
            });
            return;
        }
        dispatch();
    }

    void dispatch() {
        std::optional<std::uint64_t> logged;
        Answer answer;
        try {
            std::string_view target = request_.target();
            std::string_view path = target.substr(0, target.find('?'));
            if (isApiPath(basePath(), path)) {
                answer = answerApi(logged);
            } else if (isControlPath(path)) {
                ControlReply reply =
                    answerControlRequest(core_->state, request_.method_string(), target, request_.body(), nowUtc());
                if (path == "/_sim/activity" && request_.method() == http::verb::put && reply.status == 200)
                    core_->armActivity();
                answer.response = Response{static_cast<http::status>(reply.status), 11};
                answer.response.body() = std::move(reply.body);
            } else {
                answer.response = Response{http::status::not_found, 11};
                answer.response.body() =
                    errorBody({"10005", "Resource not found", "The API lives under " + basePath() + ".", ""});
            }
        } catch (const std::exception& e) {
            std::cerr << "telnyx-sim: internal error: " << printableForLog(e.what()) << '\n';
            answer = Answer{};
            answer.response = Response{http::status::internal_server_error, 11};
            answer.response.body() = errorBody(errorForStatus(500));
        }
        if (answer.action != Answer::Action::Close && answer.action != Answer::Action::Hold)
            finish(answer.response, request_.keep_alive());
        if (answer.delay.count() > 0) {
            auto pending = std::make_shared<Answer>(std::move(answer));
            timer_.expires_after(pending->delay);
            timer_.async_wait([self = shared_from_this(), pending, logged](beast::error_code ec) {
                if (!ec) self->send(std::move(*pending), logged);
            });
            return;
        }
        send(std::move(answer), logged);
    }

    // Decides the answer to a request under /v2: faults, rate limit, key, then the API proper.
    Answer answerApi(std::optional<std::uint64_t>& logged) {
        SimulatorState& state = core_->state;
        std::string_view target = request_.target();
        std::string_view path = target.substr(0, target.find('?'));
        std::string_view query = path.size() < target.size() ? target.substr(path.size() + 1) : std::string_view();
        std::string_view token = bearerToken(request_[http::field::authorization]);
        bool authorized = sameSecret(token, core_->options.apiKey.reveal());
        logged = state.requests.record(request_.method_string(), target, nowUtc(), authorized);

        if (core_->hardLimiter.enabled()) {
            RateLimitStatus hard = core_->hardLimiter.consume(std::chrono::steady_clock::now());
            if (hard.exceeded) {
                state.requests.setRefused(*logged, "hard-limit");
                return hardLimitRefusal(hard);
            }
        }

        std::optional<RateLimitStatus> rate;
        if (core_->limiter.enabled()) rate = core_->limiter.consume(token, std::chrono::steady_clock::now());
        auto withRateHeaders = [&](Response& response) {
            if (!rate) return;
            response.set("x-ratelimit-limit", std::to_string(rate->limit));
            response.set("x-ratelimit-remaining", std::to_string(rate->remaining));
            response.set("x-ratelimit-reset", std::to_string(rate->resetSeconds));
        };

        Answer answer;
        std::optional<FaultRule> fault = state.faults.take(path, requestedPageNumber(query));
        if (fault && (fault->kind == FaultKind::Close || fault->kind == FaultKind::Hang)) {
            answer.action = fault->kind == FaultKind::Close ? Answer::Action::Close : Answer::Action::Hold;
            return answer;
        }
        if (fault && (fault->kind == FaultKind::Status || fault->kind == FaultKind::Garbage)) {
            bool garbage = fault->kind == FaultKind::Garbage;
            answer.response = Response{garbage ? http::status::ok : static_cast<http::status>(fault->status), 11};
            answer.response.body() = fault->body ? *fault->body
                                     : garbage   ? "<html><body><h1>502 Bad Gateway</h1></body></html>\n"
                                                 : errorBody(errorForStatus(fault->status));
            withRateHeaders(answer.response);
            for (const auto& [name, value] : fault->headers) answer.response.set(name, value);
            return answer;
        }
        if (fault && fault->kind == FaultKind::Truncate) answer.action = Answer::Action::Truncate;
        if (fault && fault->kind == FaultKind::Delay) answer.delay = fault->delay;
        if (fault)
            for (const auto& [name, value] : fault->headers) answer.response.set(name, value);

        if (rate && rate->exceeded) {
            answer.response.result(http::status::too_many_requests);
            answer.response.set(http::field::retry_after, std::to_string(rate->resetSeconds));
            answer.response.body() = errorBody({"10011", "Too many requests",
                                                "More than " + std::to_string(rate->limit) +
                                                    " requests in the current window; retry after " +
                                                    std::to_string(rate->resetSeconds) + " s.",
                                                ""});
        } else if (!authorized) {
            answer.response.result(http::status::unauthorized);
            answer.response.set(http::field::www_authenticate, "Bearer");
            answer.response.body() = errorBody(
                {"10009", "Authentication failed",
                 token.empty() ? "No API key was given: send Authorization: Bearer KEY." : "The API key is not valid.",
                 ""});
        } else if (request_.method() != http::verb::get) {
            answer.response.result(http::status::method_not_allowed);
            answer.response.set(http::field::allow, "GET");
            answer.response.body() = errorBody(errorForStatus(405));
        } else {
            ApiReply reply =
                answerApiRequest(state.account, fault ? faultedTarget(*fault, target) : std::string(target));
            answer.response.result(static_cast<http::status>(reply.status));
            answer.response.body() = fault ? faultedBody(*fault, std::move(reply.body)) : std::move(reply.body);
            // The answer is made: the changes it triggers show from the next request on.
            if (reply.list && state.activity.countListRequest())
                state.activity.apply(state.account, state.activity.options().changes, nowUtc());
        }
        withRateHeaders(answer.response);
        return answer;
    }

    // A page_stuck fault answers page 1: the last page[number] of a query wins.
    static std::string faultedTarget(const FaultRule& fault, std::string_view target) {
        std::string out(target);
        if (fault.kind == FaultKind::LyingMeta && fault.lie == MetaLie::PageStuck)
            out += (out.find('?') == std::string::npos ? "?" : "&") + std::string("page[number]=1");
        return out;
    }

    static std::string faultedBody(const FaultRule& fault, std::string body) {
        if (fault.kind == FaultKind::LyingMeta && fault.lie != MetaLie::PageStuck) return lieAboutMeta(body, fault.lie);
        if (fault.kind == FaultKind::WrongTypes) return withWrongTypes(body, fault.field);
        return body;
    }

    // 429 from --hard-limit, before anything else looks at the request.
    Answer hardLimitRefusal(const RateLimitStatus& hard) {
        Answer answer;
        answer.response = Response{http::status::too_many_requests, 11};
        answer.response.set(http::field::retry_after, std::to_string(hard.resetSeconds));
        answer.response.set("x-ratelimit-limit", std::to_string(hard.limit));
        answer.response.set("x-ratelimit-remaining", "0");
        answer.response.set("x-ratelimit-reset", std::to_string(hard.resetSeconds));
        answer.response.body() =
            errorBody({"10011", "Too many requests",
                       "More than " + std::to_string(hard.limit) + " requests in one second; retry after " +
                           std::to_string(hard.resetSeconds) + " s.",
                       ""});
        return answer;
    }

    const std::string& basePath() const { return core_->state.account.spec().basePath(); }
    std::string errorBody(const ErrorText& error) const { return errorListBody(core_->state.account.spec(), error); }

    // The headers every answer carries, and gzip when the client takes it.
    void finish(Response& response, bool keepAlive) {
        response.version(11);
        response.set(http::field::server, std::string("telnyx-sim/") + kVersion);
        if (response.find(http::field::content_type) == response.end())
            response.set(http::field::content_type, "application/json");
        bool gzip =
            core_->options.gzip && !response.body().empty() && acceptsGzip(request_[http::field::accept_encoding]);
        if (gzip) {
            response.body() = gzipCompress(response.body());
            response.set(http::field::content_encoding, "gzip");
        }
        if (core_->options.gzip) response.set(http::field::vary, "Accept-Encoding");
        response.keep_alive(keepAlive && !core_->stopping);
        response.prepare_payload();
    }

    void send(Answer answer, std::optional<std::uint64_t> logged) {
        bool silent = answer.action == Answer::Action::Close || answer.action == Answer::Action::Hold;
        unsigned status = silent ? 0 : answer.response.result_int();
        if (logged) core_->state.requests.setStatus(*logged, status);
        if (core_->options.verbose)
            std::cerr << "telnyx-sim: " << request_.method_string() << ' ' << printableForLog(request_.target())
                      << " -> "
                      << (status != 0                             ? std::to_string(status)
                          : answer.action == Answer::Action::Hold ? std::string("held")
                                                                  : std::string("closed"))
                      << '\n';
        if (answer.action == Answer::Action::Close) return closeNow();
        if (answer.action == Answer::Action::Hold) return holdSilently(0);
        response_ = std::make_shared<Response>(std::move(answer.response));
        stream_.expires_after(core_->options.writeTimeout);
        if (answer.action == Answer::Action::Truncate) {
            serializer_ = std::make_unique<http::response_serializer<http::string_body>>(*response_);
            http::async_write_header(stream_, *serializer_,
                                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                                         if (ec) return self->closeNow();
                                         const std::string& body = self->response_->body();
                                         net::async_write(self->stream_, net::buffer(body.data(), body.size() / 2),
                                                          [self](beast::error_code, std::size_t) { self->closeNow(); });
                                     });
            return;
        }
        http::async_write(stream_, *response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) return self->closeNow();
            if (!self->response_->keep_alive()) return self->drainAndClose();
            self->response_.reset();
            self->readRequest();
        });
    }

    // A lingering close: stop sending, then read and drop what the client still sends until it
    // closes (or a deadline passes). Closing with unread data would reset the connection and
    // could destroy the answer before the client has read it (a 431 to a request still being sent).
    void drainAndClose() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.expires_after(std::chrono::seconds(2));
        drainSome(0);
    }

    void drainSome(std::size_t drained) {
        constexpr std::size_t kDrainLimit = 4 * 1024 * 1024;
        buffer_.clear();
        stream_.async_read_some(buffer_.prepare(16 * 1024),
                                [self = shared_from_this(), drained](beast::error_code ec, std::size_t n) {
                                    if (ec || drained + n > kDrainLimit) return self->closeNow();
                                    self->drainSome(drained + n);
                                });
    }

    // A hang fault: no answer, ever. Whatever the client still sends is read and dropped
    // (a bounded amount) until it gives up and closes, or stop() closes the connection.
    void holdSilently(std::size_t dropped) {
        constexpr std::size_t kHoldLimit = 1024 * 1024;
        stream_.expires_never();
        buffer_.clear();
        stream_.async_read_some(buffer_.prepare(16 * 1024),
                                [self = shared_from_this(), dropped](beast::error_code ec, std::size_t n) {
                                    if (ec || dropped + n > kHoldLimit) return self->closeNow();
                                    self->holdSilently(dropped + n);
                                });
    }

    void closeNow() {
        beast::error_code ignored;
        timer_.cancel();
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        stream_.close();
    }

    beast::tcp_stream stream_;
    net::steady_timer timer_;
    beast::flat_buffer buffer_{kHeaderLimit + kBodyLimit + 64 * 1024}; // bounded: a request and some read-ahead
    std::optional<http::request_parser<http::string_body>> parser_;
    Request request_;
    std::shared_ptr<Response> response_;
    std::unique_ptr<http::response_serializer<http::string_body>> serializer_;
    std::shared_ptr<ServerCore> core_;
    std::uint64_t id_;
};

} // namespace

class ServerListener : public std::enable_shared_from_this<ServerListener> {
public:
    ServerListener(net::io_context& io, std::shared_ptr<ServerCore> core)
        : acceptor_(io), retry_(io), core_(std::move(core)) {
        tcp::endpoint endpoint(core_->options.address, core_->options.port);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(net::socket_base::max_listen_connections);
    }

    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    void accept() { acceptor_.async_accept(beast::bind_front_handler(&ServerListener::onAccept, shared_from_this())); }
    void close() {
        beast::error_code ignored;
        acceptor_.close(ignored);
        retry_.cancel();
    }

private:
    void onAccept(beast::error_code ec, tcp::socket socket) {
        if (core_->stopping || !acceptor_.is_open()) return;
        if (ec) {
            // Out of descriptors, say: wait a little rather than spin on the error.
            std::cerr << "telnyx-sim: accept failed: " << ec.message() << '\n';
            retry_.expires_after(std::chrono::milliseconds(100));
            retry_.async_wait([self = shared_from_this()](beast::error_code waitError) {
                if (!waitError) self->accept();
            });
            return;
        }
        ++core_->state.connectionsAccepted;
        if (core_->closers.size() < core_->options.maxConnections) {
            std::make_shared<Connection>(std::move(socket), core_, core_->nextConnectionId++)->start();
        } else {
            beast::error_code ignored;
            socket.close(ignored);
        }
        accept();
    }

    tcp::acceptor acceptor_;
    net::steady_timer retry_;
    std::shared_ptr<ServerCore> core_;
};

SimServer::SimServer(net::io_context& io, ServerOptions options, Account account)
    : core_(std::make_shared<ServerCore>(io, std::move(options), std::move(account))),
      listener_(std::make_shared<ServerListener>(io, core_)) {}

SimServer::~SimServer() = default;

unsigned short SimServer::port() const { return listener_->port(); }

void SimServer::start() {
    listener_->accept();
    core_->armActivity();
}

void SimServer::stop(std::function<void()> stopped) {
    core_->stopping = true;
    core_->activityTimer.cancel();
    listener_->close();
    core_->stopped = std::move(stopped);
    if (core_->closers.empty()) {
        if (core_->stopped) std::exchange(core_->stopped, nullptr)();
        return;
    }
    // Closing ends each connection's pending operations; the last one to go calls `stopped`.
    std::vector<std::function<void()>> closers;
    for (const auto& entry : core_->closers) closers.push_back(entry.second);
    for (const auto& close : closers) close();
}

} // namespace roomsd::sim
