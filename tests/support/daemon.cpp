// RoomsdDaemon: roomsd started with posix_spawn, asked over libcurl. Thread-safety: see daemon.hpp.
#include "support/daemon.hpp"

#include <catch2/catch.hpp>

namespace roomsd::test {

namespace json = boost::json;
namespace fs = std::filesystem;

DaemonOptions serverOptions(const std::vector<std::string>& lines) {
    std::string joined;
    for (const auto& line : lines) joined += line + "\n";
    DaemonOptions options;
    options.yaml = {{"server", joined}};
    return options;
}

fs::path writeDaemonConfig(const fs::path& dir, const SimProcess& sim, const fs::path& socket,
                           const DaemonOptions& options) {
    ConfigYaml yaml{{"telnyx", "max_retries: 1"}, {"sync", "interval_secs: 3600"}};
    yaml.insert(yaml.end(), options.yaml.begin(), options.yaml.end());
    return writeRoomsdConfig(dir, sim, socket, yaml);
}

RoomsdDaemon::RoomsdDaemon(const SimProcess& sim, DaemonOptions options) {
    socket_ = options.socket.empty() ? dir_ / "run" / "roomsd.sock" : options.socket;
    config_ = writeDaemonConfig(dir_.path(), sim, socket_, options);
    SpawnOptions spawn = roomsdEnvironment(options.apiKey.empty() ? sim.apiKey() : options.apiKey);
    for (const auto& [name, value] : options.env) spawn.env[name] = value;
    spawn.stdoutPath = dir_ / "stdout";
    spawn.stderrPath = dir_ / "stderr";
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{(binDir() / "roomsd").string(), "--config", config_.string()}, spawn);
    if (options.waitUntil == DaemonReady::Started) return;
    bool up = eventually(
        [&] {
            if (!process_->running()) return true;
            return get("/status").status == 200;
        },
        std::chrono::seconds(20));
    INFO(log());
    REQUIRE(up);
    REQUIRE(process_->running());
    if (options.waitUntil == DaemonReady::Serving) return;
    bool synced = eventually(
        [&] {
            json::value s = status();
            for (const auto& stream : s.at("sync").at("streams").as_object())
                if (stream.value().at("last_success_at").is_null()) return false;
            // The cycle is over (after its passes it refreshes the views' rollup), not only its passes.
            return !s.at("sync").at("running").as_bool();
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

} // namespace roomsd::test
