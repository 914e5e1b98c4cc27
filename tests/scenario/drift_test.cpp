// Offset drift (issue 8, "What roomsd must do" 2): records created, updated and deleted while a
// pass walks its pages shift the pages under it. After ONE pass, full or incremental, the mirror
// must hold every record that existed throughout the pass, at least as new as before it; one more
// pass with upstream quiet (a reconcile, which alone finds deletions) must leave it exactly equal to upstream.
#include <catch2/catch.hpp>

#include "scenario/scenario.hpp"

namespace json = boost::json;
using namespace roomsd::test;

namespace {

// One pass of `roomsd --once` while the simulator changes 5 records after every second list
// request; then the held-throughout check.
void passWithActivity(const SimProcess& sim, const RoomsdSetup& roomsd, const std::string& name,
                      const std::string& pass) {
    setActivity(sim, json::object{{"every_requests", 2}, {"changes", 5}});
    AccountIds before = snapshotIds(sim);
    auto start = std::chrono::steady_clock::now();
    RunResult result = roomsd.runOnce();
    std::string took = secondsSince(start);
    setActivity(sim, json::object{{"every_requests", 0}});
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    AccountIds after = snapshotIds(sim);
    AccountIds held = heldThroughout(before, after);
    report(name, "injected",
           pass + ": 5 changes after every 2nd list request during one --once (" + took +
               "), account before: " + countSummary(before));
    Diff diff = compareHeld(held, roomsd.database());
    INFO("after ONE " << pass << " with activity, every record that existed throughout: " << diff.describe());
    CHECK(diff.empty()); // CHECK: the later stages still run, so one failure shows them all
    report(name, "verified",
           pass + ": " +
               (diff.empty() ? "held every record that existed throughout: " + diff.comparedSummary()
                             : "MISSED " + std::to_string(diff.mismatches.size()) + " of " + diff.comparedSummary()));
}

// One more pass with upstream quiet, a reconcile: records the activity deleted after the pass had
// listed them are still live in the mirror until a reconcile asks about them (only a reconcile
// finds deletions), so this one is; then the mirror must equal upstream exactly.
void quietReconcileIsExact(const SimProcess& sim, const RoomsdSetup& roomsd, const std::string& name) {
    requireRun(roomsd, {"--once", "--reconcile"});
    Diff diff = requireExact(sim, roomsd.database());
    report(name, "verified", "after one quiet --once --reconcile, exact: " + diff.comparedSummary());
}

void driftScenario(const std::string& order) {
    std::string name = "drift-" + order;
    // Anchored now, so the activity's stamps are the newest; lookback_days 365 makes the
    // incremental pass re-read the whole account, so that it drifts as much as the backfill.
    SimProcess sim({"--rooms", "2000", "--seed", "42", "--anchor", "now", "--days", "30", "--order", order,
                    "--activity-every-requests", "2", "--activity-changes", "5", "--activity-seed", "8"});
    RoomsdSetup roomsd(sim, {{"telnyx", "page_size: 100"}, {"sync", "lookback_days: 365"}, {"log", "level: info"}});
    passWithActivity(sim, roomsd, name, "backfill");
    quietReconcileIsExact(sim, roomsd, name);
    passWithActivity(sim, roomsd, name, "incremental");
    quietReconcileIsExact(sim, roomsd, name);
}

} // namespace

TEST_CASE("drift: updated-ascending, one pass holds what existed throughout") { driftScenario("updated-ascending"); }

TEST_CASE("drift: newest-first, one pass holds what existed throughout") { driftScenario("newest-first"); }

TEST_CASE("drift: oldest-first, one pass holds what existed throughout") { driftScenario("oldest-first"); }
