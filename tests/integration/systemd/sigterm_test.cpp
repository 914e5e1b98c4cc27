// SIGTERM in the middle of a pass (systemctl stop while roomsd syncs): the real roomsd exits 0
// within systemd's patience, the database passes integrity_check, and the stream's cursor does
// not move past data it never wrote (a backfill cut short sets none), so the next run does the
// work again and completes it.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <csignal>
#include <string>

#include "support/daemon.hpp"
#include "support/roomsd.hpp"
#include "support/sim.hpp"

using namespace roomsd::test;

namespace {

// Rooms in the mirror, as the daemon's SQL answers it (-1 if it did not answer).
long long mirroredRooms(const RoomsdDaemon& daemon) {
    HttpResponse r = daemon.post("/sql", "SELECT count(*) FROM rooms");
    if (r.status != 200) return -1;
    return boost::json::parse(r.body).at("rows").at(0).at(0).as_int64();
}

} // namespace

TEST_CASE("SIGTERM during a backfill exits 0 at once, leaves a sound database and sets no cursor") {
    // 40 rooms, two a page, one request at a time, 150 ms each: the rooms backfill takes 3 s.
    SimProcess sim({"--rooms", "40", "--seed", "5", "--latency-ms", "150"});
    DaemonOptions options;
    options.waitUntil = DaemonReady::Serving;
    options.yaml = {{"telnyx", "page_size: 2\nmax_in_flight: 1"}};
    RoomsdDaemon daemon(sim, options);
    REQUIRE(eventually([&] { return mirroredRooms(daemon) >= 4; }, std::chrono::seconds(20)));
    REQUIRE(daemon.status().at("sync").at("running").as_bool());

    daemon.process().signal(SIGTERM);
    auto exit = daemon.process().waitFor(std::chrono::seconds(5)); // systemd's TimeoutStopSec is far longer
    INFO(daemon.log());
    REQUIRE(exit.has_value());
    CHECK(*exit == 0);

    SQLite::Database db(daemon.database(), SQLite::OPEN_READONLY);
    CHECK(queryOne(db, "PRAGMA integrity_check") == "ok");
    long long rooms = std::stoll(queryOne(db, "SELECT count(*) FROM rooms"));
    CHECK(rooms >= 4);
    CHECK(rooms < 40); // it was stopped mid-way
    // No stream has a cursor: the rooms backfill was cut short, the others never ran.
    CHECK(queryOne(db, "SELECT count(*) FROM sync_state WHERE cursor IS NOT NULL") == "0");
    CHECK(queryOne(db, "SELECT outcome FROM sync_runs WHERE stream = 'rooms' ORDER BY id DESC LIMIT 1") == "cancelled");

    // The next run does the backfill again and completes it.
    DaemonOptions faster;
    faster.yaml = {{"telnyx", "page_size: 100"}};
    writeDaemonConfig(daemon.configPath().parent_path(), sim, daemon.socket(), faster);
    RunResult once = run({(binDir() / "roomsd").string(), "--config", daemon.configPath().string(), "--once"},
                         roomsdEnvironment(sim.apiKey()), std::chrono::seconds(60));
    INFO(once.err);
    CHECK(once.exitCode == 0);
    SQLite::Database after(daemon.database(), SQLite::OPEN_READONLY);
    CHECK(queryOne(after, "SELECT count(*) FROM rooms") == "40");
    CHECK(queryOne(after, "SELECT count(*) FROM sync_state WHERE cursor IS NOT NULL") == "3");
}
