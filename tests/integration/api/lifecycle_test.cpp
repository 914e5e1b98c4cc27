// roomsd's daemon mode as a user runs it: start, the socket file and its mode,
// TCP, a stale or live socket, and SIGTERM.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <regex>

#include "support/daemon.hpp"

using namespace roomsd::test;
namespace json = boost::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

unsigned modeOf(const fs::path& path) {
    struct stat st {};
    REQUIRE(::lstat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// Leaves a socket file at `path` that nothing listens on, as a crashed daemon does.
void leaveStaleSocket(const fs::path& path) {
    fs::create_directories(path.parent_path());
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0);
    ::close(fd);
    REQUIRE(fs::is_socket(path));
}

// Runs roomsd on `config` to completion, with the simulator's key.
RunResult runRoomsd(const SimProcess& sim, const fs::path& config) {
    return run({(binDir() / "roomsd").string(), "--config", config.string()}, roomsdEnvironment(sim.apiKey()), 30s);
}

} // namespace

TEST_CASE("SIGTERM stops roomsd with status 0 and removes its socket") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    REQUIRE(fs::is_socket(daemon.socket()));
    CHECK(daemon.stop() == 0);
    CHECK_FALSE(fs::exists(daemon.socket()));
    CHECK(daemon.log().find("received SIGTERM") != std::string::npos);
}

TEST_CASE("SIGINT during a pass stops it and roomsd still exits 0") {
    SimProcess sim({"--rooms", "20", "--seed", "7", "--latency-ms", "500"});
    DaemonOptions options;
    options.waitUntil = DaemonReady::Serving;
    RoomsdDaemon daemon(sim, options);
    REQUIRE(eventually([&] { return daemon.status().at("sync").at("running").as_bool(); }));
    daemon.process().signal(SIGINT);
    auto status = daemon.process().waitFor(20s);
    REQUIRE(status);
    CHECK(*status == 0);
    CHECK_FALSE(fs::exists(daemon.socket()));
}

TEST_CASE("the API answers while the first pass is still running") {
    // Each of the pass's requests takes a second: the participants come last.
    SimProcess sim({"--rooms", "20", "--seed", "7", "--latency-ms", "1000"});
    DaemonOptions options;
    options.waitUntil = DaemonReady::Serving;
    RoomsdDaemon daemon(sim, options);
    REQUIRE(eventually([&] { return daemon.status().at("sync").at("running").as_bool(); }));
    HttpResponse participants = daemon.get("/v2/room_participants");
    CHECK(participants.status == 200);
    CHECK(participants.header("roomsd-synced-at") == "never");
    CHECK(daemon.get("/v2/rooms").status == 200);
    CHECK(daemon.post("/sql", "SELECT count(*) FROM rooms").status == 200);
    CHECK(daemon.status().at("sync").at("running").as_bool()); // all of that during the pass
}

TEST_CASE("the socket gets server.socket_mode, and its directory is created") {
    SimProcess sim;
    SECTION("the default 0660") {
        RoomsdDaemon daemon(sim);
        CHECK(modeOf(daemon.socket()) == 0660);
    }
    SECTION("a configured mode, whatever the umask") {
        mode_t previous = ::umask(0);
        RoomsdDaemon daemon(sim, serverOptions({"  socket_mode: \"0600\""}));
        ::umask(previous);
        CHECK(modeOf(daemon.socket()) == 0600);
    }
}

TEST_CASE("a stale socket file is replaced") {
    SimProcess sim;
    TempDir dir;
    DaemonOptions options;
    options.socket = dir / "roomsd.sock";
    leaveStaleSocket(options.socket);
    RoomsdDaemon daemon(sim, options);
    CHECK(daemon.get("/v2/rooms").status == 200);
}

TEST_CASE("a socket a live roomsd serves is not taken over") {
    SimProcess sim;
    RoomsdDaemon first(sim);
    TempDir other;
    DaemonOptions options;
    fs::path config = writeDaemonConfig(other.path(), sim, first.socket(), options);
    RunResult second = runRoomsd(sim, config);
    CHECK(second.exitCode == 1);
    CHECK(second.err.find("another process is serving " + first.socket().string()) != std::string::npos);
    CHECK(first.get("/v2/rooms").status == 200); // the first one is untouched
}

TEST_CASE("a path that is not a socket is left alone and roomsd refuses to start") {
    SimProcess sim;
    TempDir dir;
    fs::path path = dir / "roomsd.sock";
    writeFile(path, "precious");
    fs::path config = writeDaemonConfig(dir.path(), sim, path, {});
    RunResult result = runRoomsd(sim, config);
    CHECK(result.exitCode == 1);
    CHECK(result.err.find("is not a socket") != std::string::npos);
    CHECK(readFile(path) == "precious");
}

TEST_CASE("server.tcp serves the same routes on a loopback port") {
    SimProcess sim;
    RoomsdDaemon daemon(sim, serverOptions({"  tcp: 127.0.0.1:0"}));
    std::smatch m;
    std::string log = daemon.log();
    REQUIRE(std::regex_search(log, m, std::regex(R"(query API listening on tcp 127\.0\.0\.1:(\d+))")));
    std::string base = "http://127.0.0.1:" + m[1].str();
    CHECK(log.find("query API listening on unix " + daemon.socket().string()) != std::string::npos);
    for (const char* target : {"/v2/rooms?page[size]=5&include_sessions=true", "/v2/room_participants",
                               "/v2/rooms/nope", "/v2/rooms?page[size]=0"}) {
        INFO(target);
        HttpResponse tcp = get(base + target);
        HttpResponse unix = daemon.get(target);
        CHECK(tcp.status == unix.status);
        CHECK(json::parse(tcp.body) == json::parse(unix.body));
    }
    HttpRequest sql;
    sql.method = "POST";
    sql.url = base + "/sql";
    sql.body = "SELECT count(*) FROM rooms";
    CHECK(send(sql).status == 200);
    CHECK(get(base + "/status").status == 200);
    CHECK(get(base + "/metrics").status == 200);
}

TEST_CASE("a non-loopback server.tcp is refused before anything starts") {
    SimProcess sim;
    TempDir dir;
    fs::path config = writeDaemonConfig(dir.path(), sim, dir / "roomsd.sock", serverOptions({"  tcp: 0.0.0.0:8080"}));
    RunResult result = runRoomsd(sim, config);
    CHECK(result.exitCode == 2);
    CHECK(result.err.find("loopback") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "roomsd.sock"));
}
