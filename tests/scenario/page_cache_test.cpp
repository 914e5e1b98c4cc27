// The page cache (README, "Pages that did not change") under live activity: a running daemon's
// incremental passes replay the pages upstream sends again byte for byte, and after each pass
// the mirror equals upstream exactly, every field of every record (records the activity deleted
// excepted: only a reconcile finds deletions).
#include <catch2/catch.hpp>

#include "scenario/scenario.hpp"
#include "support/daemon.hpp"

using namespace roomsd::test;

TEST_CASE("page cache: a daemon's incremental passes under activity keep the mirror exactly upstream's") {
    // Anchored now with lookback_days 365: every incremental pass re-reads the whole account, most
    // of it unchanged since the pass before, in pages of 50.
    SimProcess sim({"--rooms", "600", "--seed", "21", "--anchor", "now", "--days", "20", "--activity-seed", "5"});
    DaemonOptions options;
    options.yaml = {{"telnyx", "page_size: 50"}, {"sync", "lookback_days: 365"}, {"log", "level: info"}};
    RoomsdDaemon daemon(sim, options); // the start-up backfill
    requireExact(sim, daemon.database());
    AccountIds start = snapshotIds(sim);
    auto pass = [&] {
        std::string after = daemon.lastRoomsRun();
        REQUIRE(daemon.post("/sync", "").status == 202);
        daemon.waitForPassAfter(after);
    };
    pass(); // the first incremental pass reads every page the long way, and caches them
    for (int round = 1; round <= 5; ++round) {
        applyActivity(sim, 25);
        pass();
        std::size_t excused = 0;
        Diff diff = requireExact(sim, daemon.database(), deletedBetween(start, snapshotIds(sim)), &excused);
        report("page-cache", "verified",
               "round " + std::to_string(round) + ", 25 changes then one incremental pass of the daemon: exact, " +
                   diff.comparedSummary() + " (" + std::to_string(excused) + " deleted upstream await a reconcile)");
    }
    // The passes did replay pages (else this scenario tested nothing of the cache).
    std::string log = daemon.log();
    INFO(tailOf(log));
    CHECK(log.find("the same as last time, replayed") != std::string::npos);
}
