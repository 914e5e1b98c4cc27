// The comparison itself, checked against a case that passes today (a quiet backfill) and
// against a mirror broken on purpose in each way the scenarios look for: a scenario that
// fails must be roomsd's failure, not the harness's.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <algorithm>

#include "scenario/scenario.hpp"
#include "support/sim_control.hpp"

namespace json = boost::json;
using namespace roomsd::test;

namespace {

bool hasMismatch(const Diff& diff, const std::string& kind, const std::string& stream, const std::string& id,
                 const std::string& field = "") {
    return std::any_of(diff.mismatches.begin(), diff.mismatches.end(), [&](const Mismatch& m) {
        return m.kind == kind && m.stream == stream && m.id == id && m.field == field;
    });
}

std::string idAt(const json::object& account, const std::string& stream, std::size_t i) {
    return std::string(account.at(stream).as_array().at(i).at("id").as_string());
}

} // namespace

TEST_CASE("harness: the comparison passes a quiet backfill and names every kind of mismatch") {
    SimProcess sim({"--rooms", "60", "--seed", "11"});
    RoomsdSetup roomsd(sim);
    requireRun(roomsd);
    Diff clean = requireExact(sim, roomsd.database());

    json::object account = sim.control().account();
    AccountIds held = accountIds(account);
    REQUIRE(compareHeld(held, roomsd.database()).empty());
    std::string changedField = idAt(account, "rooms", 0);
    std::string changedColumn = idAt(account, "rooms", 1);
    std::string removed = idAt(account, "room_sessions", 0);
    std::string tombstoned = idAt(account, "room_participants", 0);
    std::string stale = idAt(account, "room_participants", 1);
    std::string extra = "00000000-0000-4000-8000-000000000001";
    std::string oldTombstone = "00000000-0000-4000-8000-000000000002";
    {
        SQLite::Database db(roomsd.database(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE rooms SET upstream_json = json_set(upstream_json, '$.max_participants', 999) WHERE id = '" +
                changedField + "'");
        db.exec("UPDATE rooms SET webhook_timeout_secs = 31 WHERE id = '" + changedColumn + "'");
        db.exec("DELETE FROM room_sessions WHERE id = '" + removed + "'");
        db.exec("UPDATE room_participants SET deleted_at = '2026-01-01T00:00:00.000000Z' WHERE id = '" + tombstoned +
                "'");
        db.exec("UPDATE room_participants SET upstream_json = json_set(upstream_json, '$.updated_at', "
                "'2000-01-01T00:00:00.000000Z') WHERE id = '" +
                stale + "'");
        db.exec("INSERT INTO rooms (id, upstream_json, synced_at) VALUES ('" + extra + "', '{\"id\":\"" + extra +
                "\"}', '2026-01-01T00:00:00.000000Z')");
        db.exec("INSERT INTO rooms (id, upstream_json, synced_at, deleted_at) VALUES ('" + oldTombstone +
                "', '{\"id\":\"" + oldTombstone +
                "\"}', '2026-01-01T00:00:00.000000Z', '2026-01-02T00:00:00.000000Z')");
    }

    Diff exact = compareExact(account, roomsd.database());
    INFO(exact.describe());
    CHECK(hasMismatch(exact, "field", "rooms", changedField, "max_participants"));
    CHECK(hasMismatch(exact, "column", "rooms", changedColumn, "webhook_timeout_secs"));
    CHECK(hasMismatch(exact, "missing", "room_sessions", removed));
    CHECK(hasMismatch(exact, "tombstoned", "room_participants", tombstoned, "deleted_at"));
    CHECK(hasMismatch(exact, "field", "room_participants", stale, "updated_at"));
    CHECK(hasMismatch(exact, "extra", "rooms", extra));
    CHECK(exact.mismatches.size() == 6); // the tombstone of a record upstream no longer has is right
    CHECK(exact.tombstones["rooms"] == 1);

    // Every row changed behind the writer's back disagrees with the change log too.
    bool trimmed = true;
    Diff log = compareChangeLog(roomsd.database(), trimmed);
    INFO(log.describe());
    CHECK_FALSE(trimmed);
    for (const auto& [stream, id] : std::vector<std::pair<std::string, std::string>>{{"rooms", changedField},
                                                                                     {"room_sessions", removed},
                                                                                     {"room_participants", tombstoned},
                                                                                     {"room_participants", stale},
                                                                                     {"rooms", extra},
                                                                                     {"rooms", oldTombstone}})
        CHECK(hasMismatch(log, "changelog", stream, id));
    CHECK(log.mismatches.size() == 6); // a changed typed column is not the log's business: it holds upstream_json

    Diff heldDiff = compareHeld(held, roomsd.database());
    INFO(heldDiff.describe());
    CHECK(hasMismatch(heldDiff, "missing", "room_sessions", removed));
    CHECK(hasMismatch(heldDiff, "tombstoned", "room_participants", tombstoned, "deleted_at"));
    CHECK(hasMismatch(heldDiff, "stale", "room_participants", stale, "updated_at"));
    CHECK(heldDiff.mismatches.size() == 3);

    report("harness", "injected",
           "6 faults into a mirror of " + clean.comparedSummary() +
               ": a changed field, a changed column, a deleted row, a wrong tombstone, an "
               "older copy, an extra row (and one right tombstone)");
    report("harness", "verified",
           "exact found " + std::to_string(exact.mismatches.size()) + " of 6, held found " +
               std::to_string(heldDiff.mismatches.size()) + " of the 3 it covers; a clean mirror compares empty");
}
