// roomsd under a service manager: the sd_notify protocol seen from systemd's side.
// A datagram socket stands in for systemd's NOTIFY_SOCKET; the daemon is the real binary.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <string>
#include <vector>

#include "support/roomsd.hpp"
#include "support/sim.hpp"

using namespace roomsd::test;

namespace {

// The receiving end of NOTIFY_SOCKET.
class NotifySocket {
public:
    explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    }
    ~NotifySocket() { ::close(fd_); }
    // Every datagram received so far, appended to `messages`.
    void drain() {
        char buf[4096];
        while (true) {
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return;
            messages.emplace_back(buf, static_cast<std::size_t>(n));
        }
    }
    bool received(const std::string& needle) {
        drain();
        for (const auto& m : messages)
            if (m.find(needle) != std::string::npos) return true;
        return false;
    }
    std::vector<std::string> messages;

private:
    std::filesystem::path path_;
    int fd_ = -1;
};

} // namespace

TEST_CASE("under a service manager roomsd says READY once serving, pings the watchdog, reports passes and STOPPING") {
    SimProcess sim({"--rooms", "10", "--seed", "3"});
    RoomsdSetup setup(sim, {{"sync", "interval_secs: 3600"}});
    NotifySocket notify(setup.dir() / "notify.sock");
    SpawnOptions options;
    options.env["TELNYX_API_KEY"] = setup.apiKey();
    options.env["NOTIFY_SOCKET"] = (setup.dir() / "notify.sock").string();
    options.env["WATCHDOG_USEC"] = "400000"; // pings expected every 200 ms
    options.stderrPath = setup.dir() / "stderr";
    ChildProcess daemon({(binDir() / "roomsd").string(), "--config", setup.configPath().string()}, options);

    REQUIRE(eventually([&] { return notify.received("READY=1"); }));
    // READY comes once the socket serves: it is there when systemd is told.
    CHECK(std::filesystem::exists(setup.socket()));
    REQUIRE(eventually([&] { return notify.received("STATUS=last pass ok at "); }));
    CHECK(notify.received(" rooms ok ("));
    CHECK(notify.received(" participants ok ("));
    REQUIRE(eventually([&] {
        notify.drain();
        int pings = 0;
        for (const auto& m : notify.messages) pings += m == "WATCHDOG=1";
        return pings >= 3;
    }));
    daemon.signal(SIGTERM);
    REQUIRE(daemon.waitFor(std::chrono::seconds(20)) == 0);
    CHECK(notify.received("STOPPING=1"));
    CHECK_FALSE(std::filesystem::exists(setup.socket()));
    for (const auto& m : notify.messages) CHECK(m.find(setup.apiKey()) == std::string::npos);
}

TEST_CASE("outside a service manager nothing is sent and nothing fails") {
    SimProcess sim({"--rooms", "3", "--seed", "4"});
    RoomsdSetup setup(sim);
    SpawnOptions options;
    options.env["TELNYX_API_KEY"] = setup.apiKey();
    options.unsetEnv = {"NOTIFY_SOCKET", "WATCHDOG_USEC"};
    options.stderrPath = setup.dir() / "stderr";
    ChildProcess daemon({(binDir() / "roomsd").string(), "--config", setup.configPath().string()}, options);
    REQUIRE(eventually(
        [&] { return readFile(setup.dir() / "stderr").find("participants: backfill pass ok") != std::string::npos; }));
    daemon.signal(SIGTERM);
    CHECK(daemon.waitFor(std::chrono::seconds(20)) == 0);
}
