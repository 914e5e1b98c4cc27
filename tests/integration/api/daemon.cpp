#include "daemon.hpp"

#include <catch2/catch.hpp>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <thread>

namespace roomsd::test {

namespace json = boost::json;
namespace fs = std::filesystem;

DaemonOptions serverOptions(std::vector<std::string> lines) {
    DaemonOptions options;
    options.serverYaml = std::move(lines);
    return options;
}

fs::path writeDaemonConfig(const fs::path& dir, const SimProcess& sim, const fs::path& socket,
                           const DaemonOptions& options) {
    std::string yaml = "telnyx:\n  base_url: " + sim.baseUrl() + "\n  max_retries: 1\nsync:\n  interval_secs: 3600\n";
    for (const auto& line : options.syncYaml) yaml += line + "\n";
    yaml += "storage:\n  database: " + (dir / "mirror.db").string() + "\nserver:\n  socket: " + socket.string() + "\n";
    for (const auto& line : options.serverYaml) yaml += line + "\n";
    yaml += "log:\n  level: debug\n";
    fs::path config = dir / "roomsd.yaml";
    writeFile(config, yaml);
    return config;
}

RoomsdDaemon::RoomsdDaemon(const SimProcess& sim, DaemonOptions options) {
    socket_ = options.socket.empty() ? dir_ / "run" / "roomsd.sock" : options.socket;
    config_ = writeDaemonConfig(dir_.path(), sim, socket_, options);
    SpawnOptions spawn;
    spawn.env["TELNYX_API_KEY"] = options.apiKey.empty() ? sim.apiKey() : options.apiKey;
    spawn.unsetEnv = {"CREDENTIALS_DIRECTORY", "JOURNAL_STREAM"};
    spawn.stdoutPath = dir_ / "stdout";
    spawn.stderrPath = dir_ / "stderr";
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{(binDir() / "roomsd").string(), "--config", config_.string()}, spawn);
    bool up = eventually(
        [&] {
            if (!process_->running()) return true;
            return get("/status").status == 200;
        },
        std::chrono::seconds(20));
    INFO(log());
    REQUIRE(up);
    REQUIRE(process_->running());
    if (!options.waitForSync) return;
    bool synced = eventually(
        [&] {
            json::value s = status();
            for (const auto& stream : s.at("sync").at("streams").as_object())
                if (stream.value().at("last_success_at").is_null()) return false;
            return true;
        },
        std::chrono::seconds(60));
    INFO(log());
    REQUIRE(synced);
}

RoomsdDaemon::~RoomsdDaemon() {
    if (process_ && process_->running()) process_->stop(std::chrono::seconds(10));
}

int RoomsdDaemon::stop() { return process_->stop(std::chrono::seconds(15)); }

HttpResponse RoomsdDaemon::request(HttpRequest request) const {
    request.unixSocket = socket_.string();
    if (request.url.empty() || request.url.front() == '/') request.url = "http://localhost" + request.url;
    return send(request);
}

HttpResponse RoomsdDaemon::get(const std::string& target, std::vector<std::string> headers) const {
    HttpRequest r;
    r.url = target;
    r.headers = std::move(headers);
    return request(r);
}

HttpResponse RoomsdDaemon::post(const std::string& target, const std::string& body,
                                std::vector<std::string> headers) const {
    HttpRequest r;
    r.method = "POST";
    r.url = target;
    r.body = body;
    r.headers = std::move(headers);
    return request(r);
}

json::value RoomsdDaemon::status() const {
    HttpResponse r = get("/status");
    REQUIRE(r.status == 200);
    return json::parse(r.body);
}

std::string RoomsdDaemon::lastRoomsRun() const {
    json::value run = status().at("sync").at("streams").at("rooms").at("last_run");
    return run.is_null() ? "" : std::string(run.at("finished_at").as_string());
}

void RoomsdDaemon::waitForPassAfter(const std::string& after, std::chrono::seconds timeout) const {
    bool done = eventually(
        [&] {
            json::value s = status();
            if (s.at("sync").at("running").as_bool()) return false;
            for (const auto& stream : s.at("sync").at("streams").as_object()) {
                const json::value& run = stream.value().at("last_run");
                if (run.is_null() || std::string(run.at("finished_at").as_string()) <= after) return false;
            }
            return true;
        },
        timeout);
    INFO(log());
    REQUIRE(done);
}

RawConnection::RawConnection(const fs::path& socket) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket.c_str(), sizeof(address.sun_path) - 1);
    REQUIRE(::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0);
}

RawConnection::~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

std::string RawConnection::readUntilClosed(std::chrono::milliseconds timeout) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[65536];
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
        ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
}

bool RawConnection::closedWithin(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[4096];
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
        ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) return true;
    }
}

} // namespace roomsd::test
