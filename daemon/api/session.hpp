// Session: one client connection of the query API (Unix or TCP alike).
//
// Reads one request at a time (header <= 8 KiB, body <= server.max_body_bytes,
// the whole request within server.request_timeout_secs, which is also the
// keep-alive idle limit), answers it, and reads the next while the client
// keeps the connection alive. On TCP, when server.tcp_token_file is set, a request
// without its bearer token gets 401 before its body is read. Malformed or oversized requests get a 4xx and
// the connection is closed after a short lingering drain (so the client can
// read the answer instead of a reset). An answer with a BodyStream (an SQL
// export) is sent as HTTP chunks as its worker produces them; one cut short
// ends the connection without the last chunk. No exception leaves a handler.
// Thread-safety: every member runs on the event loop's thread.
#pragma once

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>

#include "api/body_stream.hpp"
#include "api/server_core.hpp"

namespace roomsd::api {

class Session : public std::enable_shared_from_this<Session> {
public:
    using Protocol = boost::asio::generic::stream_protocol;
    using Stream = boost::beast::basic_stream<Protocol>;

    // A registered connection (id from ServerCore::sessions), or, with id
    // nullopt, one that is only told 503 too_many_connections.
    Session(Protocol::socket socket, std::shared_ptr<ServerCore> core, std::optional<std::uint64_t> id);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start();
    // Answers 503 too_many_connections without reading, then closes.
    void reject();
    // For shutdown: closes now if idle, else after the answer in progress.
    void beginShutdown();
    // Closes the socket at once.
    void closeNow();

private:
    enum class State { Reading, Busy, Writing, Closing };
    using Request = boost::beast::http::request<boost::beast::http::string_body>;
    using Response = boost::beast::http::response<boost::beast::http::string_body>;

    void readRequest();
    void onHeader(boost::beast::error_code ec);
    void readBody();
    void onBody(boost::beast::error_code ec);
    void onRequest();
    void onReadError(boost::beast::error_code ec);
    void refuseWithoutToken(const Request& request);
    void send(Reply reply);
    void sendStreamed(std::unique_ptr<boost::beast::http::response<boost::beast::http::empty_body>> head,
                      std::shared_ptr<BodyStream> body, bool close);
    void pumpStream();
    void endStream(bool complete);
    void onWritten(boost::beast::error_code ec, bool close);
    std::stop_token watchClient();
    void onClientReadable(std::uint64_t generation, boost::beast::error_code ec);
    void lingeringClose();
    void drain();

    Stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    std::shared_ptr<ServerCore> core_;
    std::optional<std::uint64_t> id_;
    State state_ = State::Reading;
    bool needsToken_ = false; // a TCP connection while server.tcp_token_file is set
    bool shutdownRequested_ = false;
    bool keepAlive_ = false;
    bool head_ = false;
    Route route_ = Route::Unknown;
    std::string method_;
    std::string target_;
    std::chrono::steady_clock::time_point received_;
    std::unique_ptr<Response> response_;
    std::unique_ptr<boost::beast::http::response<boost::beast::http::empty_body>> continue_;
    // A streamed answer: its head, the serializer that wrote it, its body and the piece being written.
    std::unique_ptr<boost::beast::http::response<boost::beast::http::empty_body>> streamHead_;
    std::unique_ptr<boost::beast::http::response_serializer<boost::beast::http::empty_body>> streamSerializer_;
    std::shared_ptr<BodyStream> body_;
    std::string piece_;
    bool closeAfterStream_ = false;
    boost::asio::steady_timer pieceWait_; // pending while the worker has nothing new: keeps the session alive
    std::array<char, 16384> drainBuffer_{};
    std::size_t drained_ = 0;
    // Fired when the client closes the connection while an answer waits (watchClient()), or
    // when the connection closes; a fresh one per request.
    std::stop_source clientGone_;
    std::uint64_t requestGeneration_ = 0; // tells a stale watch from the current request's
    bool watching_ = false;
};

} // namespace roomsd::api
