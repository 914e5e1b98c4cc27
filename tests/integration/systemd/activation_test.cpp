// Socket activation: roomsd started by systemd-socket-activate (the tool Debian's systemd
// package ships to play roomsd.socket) serves the socket it was handed, and leaves its file
// to the service manager when it stops. The daemon is the real binary.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "support/daemon.hpp"
#include "support/http.hpp"
#include "support/sim.hpp"

using namespace roomsd::test;

namespace {

// systemd-socket-activate listening on `socket`, ready to exec roomsd on `config` at the first
// connection with the environment a test gives roomsd (only the -E variables pass).
ChildProcess socketActivate(const std::filesystem::path& socket, const std::filesystem::path& config,
                            const SimProcess& sim, const std::filesystem::path& stderrPath) {
    SpawnOptions spawn = roomsdEnvironment(sim.apiKey());
    spawn.stderrPath = stderrPath;
    return ChildProcess({"/usr/bin/systemd-socket-activate", "-l", socket.string(), "-E", "TELNYX_API_KEY",
                         (binDir() / "roomsd").string(), "--config", config.string()},
                        spawn);
}

HttpResponse statusOver(const std::filesystem::path& socket) {
    HttpRequest r;
    r.url = "http://localhost/status";
    r.unixSocket = socket.string();
    return send(r);
}

} // namespace

TEST_CASE("started by systemd-socket-activate, roomsd serves the socket it was handed and leaves its file") {
    REQUIRE(std::filesystem::exists("/usr/bin/systemd-socket-activate"));
    SimProcess sim({"--rooms", "5", "--seed", "7"});
    TempDir dir;
    auto socket = dir / "activated.sock";
    DaemonOptions options;
    auto config = writeDaemonConfig(dir.path(), sim, socket, options);
    ChildProcess activator = socketActivate(socket, config, sim, dir / "stderr");
    REQUIRE(eventually([&] { return std::filesystem::exists(socket); }));

    // The first connection starts roomsd, which answers it on the inherited socket.
    HttpResponse first = statusOver(socket);
    INFO(readFile(dir / "stderr"));
    CHECK(first.status == 200);
    CHECK(readFile(dir / "stderr").find("query API listening on unix " + socket.string() + " (socket from systemd)") !=
          std::string::npos);

    activator.signal(SIGTERM); // systemd-socket-activate exec'd roomsd: this is roomsd now
    CHECK(activator.waitFor(std::chrono::seconds(20)) == 0);
    // The file is the service manager's: roomsd.socket keeps listening on it after the service stops.
    struct stat st {};
    CHECK(::lstat(socket.c_str(), &st) == 0);
}

TEST_CASE("a socket handed over for another path than server.socket is refused, naming both") {
    SimProcess sim({"--rooms", "1", "--seed", "8"});
    TempDir dir;
    DaemonOptions options;
    auto config = writeDaemonConfig(dir.path(), sim, dir / "configured.sock", options);
    ChildProcess activator = socketActivate(dir / "other.sock", config, sim, dir / "stderr");
    REQUIRE(eventually([&] { return std::filesystem::exists(dir / "other.sock"); }));
    statusOver(dir / "other.sock"); // starts roomsd, which refuses and exits
    CHECK(activator.waitFor(std::chrono::seconds(20)) == 2);
    std::string log = readFile(dir / "stderr");
    CHECK(log.find("systemd passed the Unix socket " + (dir / "other.sock").string()) != std::string::npos);
    CHECK(log.find("server.socket is " + (dir / "configured.sock").string()) != std::string::npos);
    CHECK(log.find("ListenStream=") != std::string::npos);
}
