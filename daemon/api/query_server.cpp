// QueryServer: listeners, start-up and graceful shutdown of the query API.
// Thread-safety: see query_server.hpp.
#include "api/query_server.hpp"

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <cstring>
#include <vector>

#include "api/server_core.hpp"
#include "api/session.hpp"
#include "api/unix_socket.hpp"

namespace roomsd::api {

namespace net = boost::asio;
using Protocol = Session::Protocol;

namespace {

// How long requests in flight may take to finish once a stop was asked for.
constexpr auto kShutdownGrace = std::chrono::seconds(3);
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& io, std::shared_ptr<ServerCore> core, const Protocol::endpoint& endpoint, bool reuse)
        : acceptor_(io), retry_(io), core_(std::move(core)) {
        acceptor_.open(endpoint.protocol());
        if (reuse) acceptor_.set_option(net::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen(net::socket_base::max_listen_connections);
    }

    // Serves a socket already bound and listening (from the service manager).
    Listener(net::io_context& io, std::shared_ptr<ServerCore> core, const Protocol& protocol, int fd)
        : acceptor_(io), retry_(io), core_(std::move(core)) {
        acceptor_.assign(protocol, fd);
    }

    Protocol::endpoint localEndpoint() const { return acceptor_.local_endpoint(); }
    void accept() { acceptor_.async_accept(boost::beast::bind_front_handler(&Listener::onAccept, shared_from_this())); }
    void close() {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        retry_.cancel();
    }

private:
    void onAccept(boost::system::error_code ec, Protocol::socket socket) {
        if (core_->stopping || !acceptor_.is_open() || ec == net::error::operation_aborted) return;
        if (ec) {
            // Out of file descriptors, say: wait a little rather than spin on the error.
            spdlog::warn("query API: accept failed: {}", ec.message());
            retry_.expires_after(kAcceptRetry);
            retry_.async_wait([self = shared_from_this()](boost::system::error_code waitError) {
                if (!waitError) self->accept();
            });
            return;
        }
        try {
            int limit = core_->live()->server.maxConnections;
            if (static_cast<int>(core_->sessions.size()) >= limit) {
                core_->metrics.connectionRejected();
                if (core_->rejecting < limit)
                    std::make_shared<Session>(std::move(socket), core_, std::nullopt)->reject();
                else
                    socket.close(ec);
            } else {
                std::uint64_t id = core_->nextSessionId++;
                auto session = std::make_shared<Session>(std::move(socket), core_, id);
                core_->sessions[id] = session;
                session->start();
            }
        } catch (const std::exception& e) {
            spdlog::error("query API: cannot serve a new connection: {}", e.what());
        }
        accept();
    }

    net::basic_socket_acceptor<Protocol> acceptor_;
    net::steady_timer retry_;
    std::shared_ptr<ServerCore> core_;
};

// The address family of a socket, AF_UNSPEC if it cannot be told.
int familyOf(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return AF_UNSPEC;
    return address.ss_family;
}

net::ip::tcp::endpoint tcpAddress(const Protocol::endpoint& bound) {
    net::ip::tcp::endpoint actual;
    std::memcpy(actual.data(), bound.data(), std::min<std::size_t>(bound.size(), sizeof(sockaddr_in6)));
    return actual;
}

std::string describe(const net::ip::tcp::endpoint& endpoint) {
    std::string host = endpoint.address().to_string();
    if (endpoint.address().is_v6()) host = "[" + host + "]";
    return host + ":" + std::to_string(endpoint.port());
}

} // namespace

struct QueryServer::Listeners {
    explicit Listeners(net::io_context& io) : deadline(io) {}
    std::vector<std::shared_ptr<Listener>> all;
    ino_t socketInode = 0;
    std::optional<net::ip::tcp::endpoint> tcp;
    net::steady_timer deadline;
    bool socketRemoved = false;

    void closeAll() {
        for (auto& listener : all) listener->close();
    }
};

QueryServer::QueryServer(net::io_context& io, const config::Config& config, sync::SyncControl& sync)
    : io_(io), core_(std::make_shared<ServerCore>(config, sync)), listeners_(std::make_unique<Listeners>(io)) {}

QueryServer::~QueryServer() {
    core_->stopping = true;
    core_->onAllClosed = nullptr;
    listeners_->closeAll();
    if (!listeners_->socketRemoved) removeSocketFile(core_->config.server.socket, listeners_->socketInode);
    // Join the workers before anything they reference goes away.
    core_->sqlWorkers.shutdown();
    core_->readers.shutdown();
}

void QueryServer::reload(const config::Config& applied) { core_->setLive(applied); }

const std::filesystem::path& QueryServer::socketPath() const { return core_->config.server.socket; }

std::optional<net::ip::tcp::endpoint> QueryServer::tcpEndpoint() const { return listeners_->tcp; }

void QueryServer::requireTcpToken(Secret token) { core_->tcpToken = std::move(token); }

void QueryServer::start(const InheritedSockets& inherited) {
    const config::ServerConfig& server = core_->config.server;
    const std::filesystem::path& path = server.socket;
    if (inherited.unixFd) {
        try {
            listeners_->all.push_back(
                std::make_shared<Listener>(io_, core_, Protocol(net::local::stream_protocol()), *inherited.unixFd));
        } catch (const boost::system::system_error& e) {
            throw ServerError("cannot serve the socket systemd passed for " + path.string() + ": " +
                              e.code().message());
        }
    } else {
        bindSocket(path, server.socketMode);
    }
    if (inherited.tcpFd) {
        try {
            int family = familyOf(*inherited.tcpFd);
            auto listener = std::make_shared<Listener>(
                io_, core_, Protocol(family == AF_INET6 ? net::ip::tcp::v6() : net::ip::tcp::v4()), *inherited.tcpFd);
            listeners_->tcp = tcpAddress(listener->localEndpoint());
            listeners_->all.push_back(std::move(listener));
        } catch (const boost::system::system_error& e) {
            throw ServerError("cannot serve the TCP socket systemd passed: " + e.code().message());
        }
    } else if (server.tcp) {
        bindTcp(*server.tcp);
    }
    for (auto& listener : listeners_->all) listener->accept();
    const char* how = inherited.unixFd ? " (socket from systemd)" : "";
    spdlog::info("query API listening on unix {}{}", path.string(), how);
    if (listeners_->tcp) {
        spdlog::info("query API listening on tcp {}{}", describe(*listeners_->tcp),
                     inherited.tcpFd ? " (socket from systemd)" : "");
        if (!core_->tcpToken)
            spdlog::warn("query API: tcp {} has no token: every local user can read the mirror, run SQL and start "
                         "passes through it; set server.tcp_token_file to require one",
                         describe(*listeners_->tcp));
    }
}

void QueryServer::bindSocket(const std::filesystem::path& path, unsigned mode) {
    prepareSocketPath(path);
    {
        // bind() creates the file with the umask's mode; keep it owner-only until
        // the chmod below sets exactly server.socket_mode.
        mode_t previous = ::umask(0177);
        try {
            auto listener = std::make_shared<Listener>(
                io_, core_, Protocol::endpoint(net::local::stream_protocol::endpoint(path.string())), false);
            listeners_->all.push_back(std::move(listener));
        } catch (const boost::system::system_error& e) {
            ::umask(previous);
            throw ServerError("cannot listen on " + path.string() + ": " + e.code().message());
        }
        ::umask(previous);
    }
    listeners_->socketInode = inodeOf(path);
    setSocketMode(path, mode);
}

void QueryServer::bindTcp(const config::TcpEndpoint& tcp) {
    boost::system::error_code ec;
    net::ip::address address = net::ip::make_address(tcp.host, ec);
    if (ec || !address.is_loopback())
        throw ServerError("server.tcp must be a loopback address (127.0.0.1 or ::1), got " + tcp.host +
                          ": the query API has no authentication of its own");
    net::ip::tcp::endpoint wanted(address, tcp.port);
    try {
        auto listener = std::make_shared<Listener>(io_, core_, Protocol::endpoint(wanted), true);
        listeners_->tcp = tcpAddress(listener->localEndpoint());
        listeners_->all.push_back(std::move(listener));
    } catch (const boost::system::system_error& e) {
        throw ServerError("cannot listen on tcp " + describe(wanted) + ": " + e.code().message());
    }
}

void QueryServer::stop(std::function<void()> done) {
    if (core_->stopping) {
        if (done) net::post(io_, std::move(done));
        return;
    }
    core_->stopping = true;
    listeners_->closeAll();
    removeSocketFile(core_->config.server.socket, listeners_->socketInode);
    listeners_->socketRemoved = true;
    // Running SQL is interrupted (its client gets 503); other work finishes.
    core_->sqlWorkers.requestStop();
    std::vector<std::shared_ptr<Session>> open;
    for (auto& [id, weak] : core_->sessions)
        if (auto session = weak.lock()) open.push_back(std::move(session));
    for (auto& session : open) session->beginShutdown();
    open.clear();

    auto finish = [this, done = std::move(done)]() mutable {
        listeners_->deadline.cancel();
        if (done) net::post(io_, std::move(done));
    };
    if (core_->sessions.empty()) return finish();
    core_->onAllClosed = std::move(finish);
    listeners_->deadline.expires_after(kShutdownGrace);
    listeners_->deadline.async_wait([core = core_](boost::system::error_code ec) {
        if (ec) return;
        spdlog::warn("query API: {} connection(s) still busy after {} s; closing them", core->sessions.size(),
                     kShutdownGrace.count());
        auto finishNow = std::exchange(core->onAllClosed, nullptr);
        std::vector<std::shared_ptr<Session>> busy;
        for (auto& [id, weak] : core->sessions)
            if (auto session = weak.lock()) busy.push_back(std::move(session));
        for (auto& session : busy) session->closeNow();
        if (finishNow) finishNow();
    });
}

} // namespace roomsd::api
