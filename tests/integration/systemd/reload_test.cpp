// SIGHUP (systemctl reload): the real roomsd reads its configuration again, applies log.level
// and sync.interval_secs, the page size, the lookback and the query API's limits, names a key
// that needs a restart (keeping its running value), tells systemd RELOADING=1 then READY=1, and
// refuses a broken file with its file:line while the running configuration stays.
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <string>

#include "support/daemon.hpp"
#include "support/notify_socket.hpp"
#include "support/sim.hpp"

using namespace roomsd::test;

namespace {

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

} // namespace

TEST_CASE("SIGHUP applies a new log level and interval, and refuses a broken file keeping the old one") {
    SimProcess sim({"--rooms", "4", "--seed", "21"});
    TempDir dir;
    NotifySocket notify(dir / "notify.sock");
    DaemonOptions options; // log.level debug, sync.interval_secs 3600: one pass, then quiet
    options.env["NOTIFY_SOCKET"] = (dir / "notify.sock").string();
    RoomsdDaemon daemon(sim, options);
    const std::filesystem::path configDir = daemon.configPath().parent_path();
    REQUIRE(daemon.get("/status").status == 200);
    REQUIRE(eventually([&] { return daemon.log().find("query API: GET /status -> 200") != std::string::npos; }));

    // A faster interval and a quieter log.
    DaemonOptions changed = options;
    changed.yaml = {{"sync", "interval_secs: 1"}, {"log", "level: info"}};
    writeDaemonConfig(configDir, sim, daemon.socket(), changed);
    std::string before = daemon.lastRoomsRun();
    std::size_t seen = notify.messages().size();
    daemon.process().signal(SIGHUP);
    REQUIRE(eventually([&] { return notify.find("READY=1", seen) >= 0; }));
    long reloading = notify.find("RELOADING=1", seen);
    CHECK(reloading >= 0);
    CHECK(reloading < notify.find("READY=1", seen));
    CHECK(notify.find("MONOTONIC_USEC=", seen) == reloading);
    CHECK(daemon.log().find("reload: sync.interval_secs is now 1") != std::string::npos);
    daemon.waitForPassAfter(before, std::chrono::seconds(20)); // well before the old 3600 s
    std::size_t debugLines = count(daemon.log(), "query API: GET");
    REQUIRE(daemon.get("/v2/rooms").status == 200);
    CHECK(count(daemon.log(), "query API: GET") == debugLines); // debug is off now
    CHECK(daemon.status().at("sync").at("interval_secs").as_int64() == 1);
    const std::string sql = "SELECT id FROM rooms";
    REQUIRE(daemon.post("/sql", sql).status == 200);

    // Limits and the page size from the next pass and request; a new socket path needs a restart.
    DaemonOptions limits = changed;
    limits.yaml.push_back({"telnyx", "page_size: 1"});
    limits.yaml.push_back({"sync", "lookback_days: 365"});
    limits.yaml.push_back({"server", "sql_max_rows: 1"});
    writeDaemonConfig(configDir, sim, dir / "elsewhere.sock", limits);
    seen = notify.messages().size();
    daemon.process().signal(SIGHUP);
    REQUIRE(eventually([&] { return notify.find("READY=1", seen) >= 0; }));
    CHECK(notify.find("STATUS=configuration reloaded; 1 key(s) need a restart", seen) >= 0);
    CHECK(daemon.log().find("reload: telnyx.page_size is now 1") != std::string::npos);
    CHECK(daemon.log().find("reload: server.socket " + (dir / "elsewhere.sock").string() + " needs a restart") !=
          std::string::npos);
    CHECK(daemon.post("/sql", sql).status == 413); // 4 rooms, at most 1 row now
    CHECK(daemon.get("/status").status == 200);    // still on the socket it bound
    CHECK_FALSE(std::filesystem::exists(dir / "elsewhere.sock"));
    daemon.waitForPassAfter(daemon.lastRoomsRun(), std::chrono::seconds(20));
    boost::json::value run = daemon.status().at("sync").at("streams").at("rooms").at("last_run");
    CHECK(run.at("records_seen").as_int64() == 4);
    CHECK(run.at("pages").as_int64() == 4); // one room a page

    // A file that does not validate: refused with its line, the daemon and its interval carry on.
    std::ofstream(daemon.configPath()) << "sync:\n  interval_secs: 0\n";
    seen = notify.messages().size();
    daemon.process().signal(SIGHUP);
    REQUIRE(eventually([&] { return notify.find("READY=1", seen) >= 0; }));
    CHECK(notify.find("STATUS=reload refused, the running configuration stays: ", seen) >= 0);
    std::string log = daemon.log();
    CHECK(log.find("reload refused, the running configuration stays: " + daemon.configPath().string() +
                   ":2: sync.interval_secs") != std::string::npos);
    CHECK(daemon.process().running());
    daemon.waitForPassAfter(daemon.lastRoomsRun(), std::chrono::seconds(20)); // still every second
    CHECK(daemon.stop() == 0);
}
