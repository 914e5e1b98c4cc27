#include "ctl/transport.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <exception>
#include <optional>
#include <stop_token>
#include <vector>

#include "common/version.hpp"

namespace roomsd::ctl {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Local = net::local::stream_protocol;
using Stream = beast::basic_stream<Local>;

std::string secondsText(std::chrono::milliseconds timeout) {
    auto ms = timeout.count();
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
    return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100) + " s";
}

// Runs the pending operation on `context` to completion; returns its error.
template <class Start>
beast::error_code runToCompletion(net::io_context& context, Start start) {
    beast::error_code result = net::error::would_block;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    context.restart();
    context.run();
    return result;
}

bool isTimeout(const beast::error_code& ec) { return ec == beast::error::timeout; }

} // namespace

UnixSocketTransport::UnixSocketTransport(std::string socketPath, std::chrono::milliseconds timeout)
    : socketPath_(std::move(socketPath)), timeout_(timeout) {}

Result<HttpReply> Transport::stream(const HttpRequest& request, const BodyWriter& writer) {
    auto reply = send(request);
    if (reply && reply->status >= 200 && reply->status < 300) {
        std::string body = std::move(reply->body);
        reply->body.clear();
        writer(*reply, body);
    }
    return reply;
}

Result<HttpReply> UnixSocketTransport::send(const HttpRequest& request) { return exchange(request, nullptr); }

Result<HttpReply> UnixSocketTransport::stream(const HttpRequest& request, const BodyWriter& writer) {
    return exchange(request, &writer);
}

Result<HttpReply> UnixSocketTransport::exchange(const HttpRequest& request, const BodyWriter* writer) {
    auto noAnswer = [&](std::string reason) { return fail(ErrorKind::Transient, std::move(reason)); };
    auto timedOut = [&] { return noAnswer("no answer within " + secondsText(timeout_)); };
    try {
        net::io_context context;
        Stream stream(context);
        stream.expires_after(timeout_);
        // The cancel runs on this thread, inside the next context.run(): the operation it aborts
        // is always the one pending then; one already finished is caught by stopped() below.
        std::stop_callback cancel(stop_, [&] { net::post(context, [&] { stream.cancel(); }); });
        auto stopped = [&] { return stop_.stop_requested(); };
        auto cancelled = [] { return fail(ErrorKind::Cancelled, "stopped"); };

        beast::error_code ec = runToCompletion(
            context, [&](auto handler) { stream.async_connect(Local::endpoint(socketPath_), std::move(handler)); });
        if (stopped()) return cancelled();
        if (ec == beast::errc::permission_denied) return fail(ErrorKind::Auth, ec.message());
        if (isTimeout(ec)) return timedOut();
        if (ec) return noAnswer(ec.message());

        http::request<http::string_body> message;
        message.method_string(request.method);
        message.target(request.target);
        message.version(11);
        message.set(http::field::host, "localhost");
        message.set(http::field::user_agent, std::string("roomsctl/") + kVersion);
        message.set(http::field::accept, request.accept);
        message.set(http::field::connection, "close");
        if (!request.contentType.empty()) message.set(http::field::content_type, request.contentType);
        message.body() = request.body;
        message.prepare_payload();
        ec = runToCompletion(context, [&](auto handler) { http::async_write(stream, message, std::move(handler)); });
        if (stopped()) return cancelled();
        if (isTimeout(ec)) return timedOut();
        if (ec) return noAnswer("the connection failed before the request was sent (" + ec.message() + ")");

        beast::flat_buffer buffer;
        http::response_parser<http::buffer_body> parser;
        parser.body_limit(boost::none); // checked below, where the body is kept
        auto classify = [&](const beast::error_code& error) -> std::optional<Error> {
            if (stopped()) return cancelled();
            if (!error) return std::nullopt;
            if (isTimeout(error)) return timedOut();
            if (error == http::error::end_of_stream) return noAnswer("the connection was closed without an answer");
            if (error == http::error::partial_message)
                return noAnswer("the connection was closed in the middle of the answer");
            if (error.category() == http::make_error_code(http::error::end_of_stream).category())
                return fail(ErrorKind::Protocol, "the answer is not HTTP (" + error.message() + ")");
            return noAnswer("the connection failed while reading the answer (" + error.message() + ")");
        };
        ec = runToCompletion(
            context, [&](auto handler) { http::async_read_header(stream, buffer, parser, std::move(handler)); });
        if (auto error = classify(ec)) return *error;

        HttpReply reply;
        {
            auto& response = parser.get();
            reply.status = static_cast<int>(response.result_int());
            reply.contentType = std::string(response[http::field::content_type]);
            if (auto it = response.find("Roomsd-Synced-At"); it != response.end())
                reply.syncedAt = std::string(it->value());
        }
        bool streaming = writer != nullptr && reply.status >= 200 && reply.status < 300;
        std::vector<char> piece(64u << 10);
        while (!parser.is_done()) {
            parser.get().body().data = piece.data();
            parser.get().body().size = piece.size();
            if (streaming) stream.expires_after(timeout_); // the longest silence, not the whole export
            ec = runToCompletion(context,
                                 [&](auto handler) { http::async_read(stream, buffer, parser, std::move(handler)); });
            if (ec == http::error::need_buffer) ec = {};
            std::size_t n = piece.size() - parser.get().body().size;
            if (streaming) {
                if (n > 0) (*writer)(reply, std::string_view(piece.data(), n));
            } else {
                if (reply.body.size() + n > kMaxReplyBytes)
                    return fail(ErrorKind::Protocol, "the answer is larger than roomsctl accepts (" +
                                                         std::to_string(kMaxReplyBytes >> 20) + " MiB)");
                reply.body.append(piece.data(), n);
            }
            if (streaming && ec) { // rows already written: the answer is cut short, not missing
                reply.complete = false;
                reply.incompleteReason = classify(ec)->message;
                return reply;
            }
            if (auto error = classify(ec)) return *error;
        }
        beast::error_code ignored;
        stream.socket().shutdown(Local::socket::shutdown_both, ignored);
        return reply;
    } catch (const std::exception& e) { // a socket path asio cannot take, or no memory
        return noAnswer(e.what());
    }
}

} // namespace roomsd::ctl
