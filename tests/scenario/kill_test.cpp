// kill -9 at any moment (issue 8, "What roomsd must do" 7): at least 50 SIGKILLs, each landing
// while `roomsd --once` runs (at a seeded random moment of a pass slowed by --latency-ms), each
// followed by PRAGMA integrity_check; then one pass to the end, and the mirror equals upstream.
#include <catch2/catch.hpp>

#include <csignal>
#include <random>
#include <thread>

#include "scenario/scenario.hpp"

using namespace roomsd::test;

TEST_CASE("kill-9: 50 kills that land mid-pass, integrity every time, then convergence") {
    SimProcess sim({"--rooms", "2000", "--seed", "17", "--latency-ms", "10"});
    // lookback_days 365: every pass re-reads the whole account, so each one lasts long enough to be killed.
    RoomsdSetup roomsd(sim, {{"sync", "lookback_days: 365"}, {"log", "level: warn"}});
    std::mt19937_64 rng(20261201);
    std::uniform_int_distribution<int> delayMs(30, 900);
    int landed = 0, finished = 0;
    auto start = std::chrono::steady_clock::now();
    for (int attempt = 0; attempt < 150 && landed < 50; ++attempt) {
        // Something new to write now and then; nothing deleted, since the last pass is not a reconcile.
        if (attempt % 5 == 4) changeWithoutDeleting(sim, 10, attempt);
        ChildProcess child = startRoomsd(roomsd.configPath(), {"--once"}, roomsd.apiKey(), roomsd.dir() / "stderr");
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs(rng)));
        if (child.running()) child.signal(SIGKILL);
        auto status = child.waitFor(std::chrono::seconds(5));
        REQUIRE(status.has_value());
        if (*status == 128 + SIGKILL) {
            ++landed;
        } else {
            CHECK(*status == 0); // the pass ended before the kill: it does not count
            ++finished;
        }
        INFO("after attempt " << attempt << " (" << landed << " kills landed)");
        REQUIRE(integrityCheck(roomsd.database()) == "ok");
    }
    std::string loop = secondsSince(start);
    REQUIRE(landed >= 50);
    report("kill-9", "injected",
           std::to_string(landed) + " SIGKILLs mid-pass at seeded moments 30-900 ms in (" + std::to_string(finished) +
               " passes ended first), 10 rooms changed and 1 created upstream before every 5th run; loop " + loop);
    requireRun(roomsd);
    Diff diff = requireExact(sim, roomsd.database());
    report("kill-9", "verified",
           "integrity_check ok after each of " + std::to_string(landed) +
               " kills; after one more pass, exact: " + diff.comparedSummary());
}
