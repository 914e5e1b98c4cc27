// A hostile listing (issue 8, "What telnyx-sim must learn": faults by script): page 2 of the
// participants listing lies in its meta (one page too many, a total one page short, page 1's
// answer again), carries the wrong types, is cut short or is not JSON. Whatever roomsd makes of
// it, within a bound: a pass that reports ok has the mirror right (but for a wrongly typed field,
// which is kept as sent), a pass that does not keeps its cursor (the cursor is only set from a
// complete pass), the file stays intact, and once upstream behaves the next pass converges exactly.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include "scenario/scenario.hpp"
#include "support/sim_control.hpp"

namespace json = boost::json;
using namespace roomsd::test;

namespace {

struct LastRun {
    std::string outcome;
    std::string cursor; // sync_state's, after the run
};

LastRun participantsRun(const RoomsdSetup& roomsd) {
    SQLite::Database db = roomsd.open();
    return {queryOne(db, "SELECT outcome FROM sync_runs WHERE stream = 'participants' ORDER BY id DESC LIMIT 1"),
            queryOne(db, "SELECT coalesce(cursor, 'NULL') FROM sync_state WHERE stream = 'participants'")};
}

// Three participants change upstream (new context, updated_at now), so that a pass has work to miss.
void changeParticipants(const SimProcess& sim, int round) {
    json::object account = sim.control().account();
    const json::array& participants = account.at("room_participants").as_array();
    for (int i = 0; i < 3; ++i) {
        std::size_t at = static_cast<std::size_t>(round * 37 + i * 101) % participants.size();
        sim.control().mutate({{"op", "update"},
                              {"stream", "room_participants"},
                              {"id", participants[at].at("id")},
                              {"set", json::object{{"context", "round " + std::to_string(round)}}}});
    }
}

} // namespace

TEST_CASE("hostile: lying pages never make a pass claim success it did not earn, nor move the cursor") {
    SimProcess sim({"--rooms", "150", "--seed", "29"});
    // lookback_days 365: each incremental pass lists every participant, so there is a page 2 to lie.
    RoomsdSetup roomsd(sim, {{"telnyx", "max_retries: 1"}, {"sync", "lookback_days: 365"}, {"log", "level: info"}});
    requireRun(roomsd);
    const std::vector<json::object> faults{
        {{"kind", "lying_meta"}, {"lie", "total_pages_high"}},
        {{"kind", "lying_meta"}, {"lie", "total_results_low"}},
        {{"kind", "lying_meta"}, {"lie", "page_stuck"}},
        {{"kind", "wrong_types"}, {"field", "updated_at"}},
        {{"kind", "wrong_types"}, {"field", "data"}},
        {{"kind", "truncate"}},
        {{"kind", "garbage"}},
    };
    std::string outcomes;
    int round = 0;
    for (json::object fault : faults) {
        ++round;
        std::string name = json::serialize(fault);
        INFO("fault on participants page 2: " << name);
        changeParticipants(sim, round);
        LastRun before = participantsRun(roomsd);
        fault["path"] = "/v2/room_participants";
        fault["page"] = 2;
        fault["times"] = 1000;
        sim.control().addFaults(json::array{fault});
        sim.control().clearRequestLog();
        RunResult hostile = run({(binDir() / "roomsd").string(), "--config", roomsd.configPath().string(), "--once"},
                                roomsdEnvironment(roomsd.apiKey()), std::chrono::seconds(60));
        bool hit = false;
        for (const auto& r : sim.control().requestLog().to("/v2/room_participants?")) {
            std::string target = r.target + "&";
            hit = hit || target.find("page%5Bnumber%5D=2&") != std::string::npos;
        }
        sim.control().clearFaults();
        REQUIRE(hit); // the lie was told
        INFO("roomsd: " << tailOf(hostile.err, 3000));
        REQUIRE(hostile.exitCode >= 0); // it ended by itself within the bound
        CHECK(hostile.exitCode <= 1);
        LastRun after = participantsRun(roomsd);
        if (after.outcome != "ok") {
            CHECK(after.cursor == before.cursor);
        } else if (fault.at("kind") != "wrong_types") {
            // A pass that says ok has the mirror right. (A wrongly typed field is kept as sent, in
            // upstream_json, README "Nothing lost": only the other lies serve upstream's own records.)
            Diff diff = compareExact(sim.control().account(), roomsd.database());
            INFO("the pass reported ok: " << diff.describe());
            CHECK(diff.empty());
        }
        CHECK(integrityCheck(roomsd.database()) == "ok");
        outcomes += (outcomes.empty() ? "" : ", ") + name + " -> exit " + std::to_string(hostile.exitCode) + " " +
                    after.outcome;
        requireRun(roomsd);
        requireExact(sim, roomsd.database());
    }
    report("hostile", "injected",
           std::to_string(faults.size()) + " kinds of lying page 2 on participants: " + outcomes);
    report("hostile", "verified",
           "no pass reported ok with the mirror wrong, none that failed or held moved the cursor, integrity ok, "
           "each followed by an exact pass");
}
