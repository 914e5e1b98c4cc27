// roomsd under a service manager: the sd_notify protocol seen from systemd's side.
// A datagram socket stands in for systemd's NOTIFY_SOCKET; the daemon is the real binary.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <optional>
#include <string>

#include "support/daemon.hpp"
#include "support/notify_socket.hpp"
#include "support/sim.hpp"

using namespace roomsd::test;

namespace {

// A variable of the test process's own environment for one scope, as a service manager
// that started the test runner would have set it; the old value comes back afterwards.
class ScopedEnvironment {
public:
    ScopedEnvironment(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnvironment() {
        if (old_) {
            ::setenv(name_, old_->c_str(), 1);
        } else {
            ::unsetenv(name_);
        }
    }
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

} // namespace

TEST_CASE("under a service manager roomsd says READY once serving, pings the watchdog, reports passes and STOPPING") {
    SimProcess sim({"--rooms", "10", "--seed", "3"});
    TempDir dir;
    NotifySocket notify(dir / "notify.sock");
    DaemonOptions options;
    options.waitUntil = DaemonReady::Started; // READY=1 is what this test waits for
    options.env["NOTIFY_SOCKET"] = (dir / "notify.sock").string();
    options.env["WATCHDOG_USEC"] = "400000"; // pings expected every 200 ms
    RoomsdDaemon daemon(sim, options);

    REQUIRE(eventually([&] { return notify.received("READY=1"); }));
    // READY comes once the socket serves: it is there when systemd is told.
    CHECK(std::filesystem::exists(daemon.socket()));
    REQUIRE(eventually([&] { return notify.received("STATUS=last pass ok at "); }));
    CHECK(notify.received(" rooms ok ("));
    CHECK(notify.received(" participants ok ("));
    REQUIRE(eventually([&] {
        int pings = 0;
        for (const auto& m : notify.messages()) pings += m == "WATCHDOG=1";
        return pings >= 3;
    }));
    daemon.process().signal(SIGTERM);
    REQUIRE(daemon.process().waitFor(std::chrono::seconds(20)) == 0);
    CHECK(notify.received("STOPPING=1"));
    CHECK_FALSE(std::filesystem::exists(daemon.socket()));
    for (const auto& m : notify.messages()) CHECK(m.find(sim.apiKey()) == std::string::npos);
}

TEST_CASE("outside a service manager nothing is sent and nothing fails") {
    SimProcess sim({"--rooms", "3", "--seed", "4"});
    TempDir dir;
    NotifySocket notify(dir / "notify.sock");
    // The test runner itself may run under systemd (a CI service): its NOTIFY_SOCKET, here a
    // socket the test reads, must not reach roomsd, or roomsd would tell that manager READY.
    ScopedEnvironment runnerSocket("NOTIFY_SOCKET", (dir / "notify.sock").string());
    ScopedEnvironment runnerWatchdog("WATCHDOG_USEC", "400000");
    DaemonOptions options; // no env: roomsdEnvironment() leaves out NOTIFY_SOCKET and WATCHDOG_USEC
    options.waitUntil = DaemonReady::Started;
    RoomsdDaemon daemon(sim, options);
    REQUIRE(eventually([&] { return daemon.log().find("participants: backfill pass ok") != std::string::npos; }));
    daemon.process().signal(SIGTERM);
    CHECK(daemon.process().waitFor(std::chrono::seconds(20)) == 0);
    // roomsd has exited: a datagram it sent (READY, STATUS, WATCHDOG, STOPPING) is queued by now.
    CHECK(notify.messages().empty());
}

TEST_CASE("a roomsd whose query API cannot start never tells the service manager it is ready") {
    SimProcess sim({"--rooms", "3", "--seed", "5"});
    TempDir dir;
    NotifySocket notify(dir / "notify.sock");
    DaemonOptions options;
    options.waitUntil = DaemonReady::Started;
    options.socket = dir / "not-a-socket"; // a regular file where the socket should go
    writeFile(options.socket, "keep me");
    options.env["NOTIFY_SOCKET"] = (dir / "notify.sock").string();
    RoomsdDaemon daemon(sim, options);
    CHECK(daemon.process().waitFor(std::chrono::seconds(20)) == 1);
    CHECK(daemon.log().find("is not a socket") != std::string::npos);
    CHECK_FALSE(notify.received("READY=1"));
    CHECK(notify.messages().empty());
}
