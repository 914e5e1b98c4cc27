// bench_sync: how long a pass takes and how much memory roomsd needs, by account size.
//
// For each size it starts telnyx-sim with that many rooms, runs a backfill
// (`roomsd --once` on an empty mirror), then an incremental pass over the same
// data, and prints wall time, records per second and roomsd's peak RSS. Not a
// test: figures go in the README and issue notes, never in pass/fail checks.
//
//   build/tests/bench_sync [rooms...]      (default: 250 1000 4000)
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/roomsd.hpp"
#include "support/sim.hpp"

using namespace roomsd::test;

namespace {

struct Measure {
    double seconds = 0;
    long maxRssKb = 0;
    int exitCode = -1;
};

Measure timeOnce(const RoomsdSetup& setup) {
    auto start = std::chrono::steady_clock::now();
    ChildProcess child = setup.start({"--once"}, setup.dir() / "bench.err");
    Measure m;
    m.exitCode = child.waitFor(std::chrono::minutes(30)).value_or(-1);
    m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    m.maxRssKb = child.maxRssKb();
    return m;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<int> sizes;
    for (int i = 1; i < argc; ++i) sizes.push_back(std::stoi(argv[i]));
    if (sizes.empty()) sizes = {250, 1000, 4000};
    std::printf("%8s %9s %11s %10s %11s %9s %12s %9s\n", "rooms", "records", "backfill_s", "records/s", "backfill_MiB",
                "incr_s", "incr_records", "incr_MiB");
    for (int rooms : sizes) {
        SimProcess sim({"--rooms", std::to_string(rooms), "--seed", "1", "--anchor", "now"});
        RoomsdSetup setup(sim, {{"log", "  level: warn"}});
        Measure backfill = timeOnce(setup);
        Measure incremental = timeOnce(setup);
        if (backfill.exitCode != 0 || incremental.exitCode != 0) {
            std::fprintf(stderr, "roomsd failed: %s\n", readFile(setup.dir() / "bench.err").c_str());
            return 1;
        }
        auto db = setup.open();
        long records =
            std::stol(queryOne(db, "SELECT (SELECT count(*) FROM rooms) + (SELECT count(*) FROM room_sessions)"
                                   " + (SELECT count(*) FROM room_participants)"));
        long incrementalRecords =
            std::stol(queryOne(db, "SELECT sum(records_seen) FROM sync_runs WHERE mode = 'incremental'"));
        std::printf("%8d %9ld %11.2f %10.0f %11.1f %9.2f %12ld %9.1f\n", rooms, records, backfill.seconds,
                    static_cast<double>(records) / backfill.seconds, static_cast<double>(backfill.maxRssKb) / 1024.0,
                    incremental.seconds, incrementalRecords, static_cast<double>(incremental.maxRssKb) / 1024.0);
    }
    return 0;
}
