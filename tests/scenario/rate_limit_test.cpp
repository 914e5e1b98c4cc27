// Rate limits (issue 8, "What roomsd must do" 5): under a hard limit of 20 requests in any
// second, a backfill that needs several seconds of requests paces itself from the
// x-ratelimit-* headers, so that no request is refused after the first second of the run.
#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "scenario/scenario.hpp"
#include "support/sim_control.hpp"

using namespace roomsd;
using namespace roomsd::test;

TEST_CASE("rate-limit: no request refused after the first second of a paced backfill") {
    SimProcess sim(
        {"--rooms", "500", "--seed", "13", "--rate-limit", "20", "--rate-window-secs", "1", "--hard-limit", "20"});
    RoomsdSetup roomsd(sim, {{"log", "level: info"}});
    sim.control().clearRequestLog();
    RunResult result = roomsd.runOnce();
    INFO(tailOf(result.err, 4000));
    SimRequestLog log = sim.control().requestLog();
    REQUIRE(!log.requests.empty());
    Timestamp first = log.requests.front().at;
    Timestamp last = log.requests.back().at;
    std::size_t refused = 0, refusedLater = 0;
    std::string firstLater;
    for (const auto& r : log.requests) {
        if (r.status != 429) continue;
        ++refused;
        if (r.at.micros - first.micros >= 1'000'000) {
            if (refusedLater++ == 0) firstLater = formatTimestamp(r.at) + " " + r.target;
        }
    }
    double seconds = static_cast<double>(last.micros - first.micros) / 1e6;
    report("rate-limit", "injected",
           "--rate-limit 20/1 s and --hard-limit 20; a backfill of " + std::to_string(log.requests.size()) +
               " requests over " + std::to_string(seconds).substr(0, 4) + " s");
    INFO("429s: " << refused << " in all, " << refusedLater << " after the first second (first: " << firstLater << ")");
    CHECK(refusedLater == 0);
    REQUIRE(result.exitCode == 0);
    CHECK(seconds >= 3.0); // enough pages that pacing, not luck, kept it under the limit
    Diff diff = requireExact(sim, roomsd.database());
    report("rate-limit", "verified",
           std::to_string(refusedLater) + " refused after the first second (" + std::to_string(refused) +
               " in all); exact: " + diff.comparedSummary());
}
