// Day-granular cursors (issue 8, "What roomsd must do" 1): the API filters by calendar date, so
// a record updated at 23:59:59.999999 UTC of the cursor's own day, or written late with a stamp
// earlier than the cursor (within sync.lookback_days), is still seen by the next pass.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include "common/time.hpp"
#include "scenario/scenario.hpp"
#include "support/sim_control.hpp"

namespace json = boost::json;
using namespace roomsd::test;

namespace {

// The record of `stream` with the oldest updated_at (older than any stamp the test writes).
json::value oldest(const json::object& account, const std::string& stream) {
    const json::value* found = nullptr;
    for (const auto& r : account.at(stream).as_array())
        if (!found || r.at("updated_at").as_string() < found->at("updated_at").as_string()) found = &r;
    REQUIRE(found);
    return found->at("id");
}

} // namespace

TEST_CASE("cursor: records stamped late in the cursor's day, or late with an earlier stamp, are seen") {
    SimProcess sim({"--rooms", "150", "--seed", "27"});
    RoomsdSetup roomsd(sim, {{"log", "level: info"}});
    requireRun(roomsd);
    std::string cursor;
    {
        SQLite::Database db = roomsd.open();
        cursor = queryOne(db, "SELECT cursor FROM sync_state WHERE stream = 'rooms'");
    }
    REQUIRE(cursor.size() >= 10);
    std::string endOfDay = cursor.substr(0, 10) + "T23:59:59.999999Z";
    // One hour before the cursor: a write that landed after the last pass read its page.
    auto cursorTime = roomsd::parseTimestamp(cursor);
    REQUIRE(cursorTime);
    std::string lateWrite = roomsd::formatTimestamp(roomsd::Timestamp{cursorTime->micros - 3'600'000'000});
    json::object account = sim.control().account();
    SimControl control = sim.control();
    control.mutate({{"op", "update"},
                    {"stream", "rooms"},
                    {"id", account.at("rooms").as_array().at(0).at("id")},
                    {"set", json::object{{"max_participants", 77}, {"updated_at", endOfDay.c_str()}}}});
    control.mutate({{"op", "update"},
                    {"stream", "rooms"},
                    {"id", oldest(account, "rooms")},
                    {"set", json::object{{"max_participants", 78}, {"updated_at", lateWrite.c_str()}}}});
    control.mutate({{"op", "update"},
                    {"stream", "room_participants"},
                    {"id", oldest(account, "room_participants")},
                    {"set", json::object{{"context", "late"}, {"updated_at", endOfDay.c_str()}}}});
    control.mutate({{"op", "update"},
                    {"stream", "room_sessions"},
                    {"id", oldest(account, "room_sessions")},
                    {"set", json::object{{"updated_at", lateWrite.c_str()}}}});
    report("cursor", "injected",
           "after a backfill (rooms cursor " + cursor + "): a room and a participant stamped " + endOfDay +
               ", a room and a session stamped " + lateWrite + " (before the cursor)");
    requireRun(roomsd);
    Diff diff = requireExact(sim, roomsd.database());
    report("cursor", "verified", "the next incremental pass saw all four; exact: " + diff.comparedSummary());
}
