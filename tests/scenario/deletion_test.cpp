// Deletions (issue 8, "What roomsd must do" 4): records deleted upstream between passes are
// tombstoned by `roomsd --once --reconcile` (deleted_at set, hidden from /v2) and by the
// daemon's POST /sync?reconcile=true, a record re-created with the same id is restored, and a
// reconcile whose listing fails midway deletes nothing.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include "scenario/scenario.hpp"
#include "support/http.hpp"
#include "support/sim_control.hpp"

namespace json = boost::json;
using namespace roomsd::test;

namespace {

struct Victim {
    std::string stream;
    json::object record; // as the account had it, nested arrays left out
    std::string id() const { return std::string(record.at("id").as_string()); }
};

// `count` records of `stream`, every `step`th one from `from`.
std::vector<Victim> pick(const json::object& account, const std::string& stream, std::size_t from, std::size_t step,
                         std::size_t count) {
    std::vector<Victim> out;
    const json::array& records = account.at(stream).as_array();
    for (std::size_t i = from; i < records.size() && out.size() < count; i += step) {
        json::object record = records[i].as_object();
        record.erase("sessions");
        record.erase("participants");
        out.push_back({stream, std::move(record)});
    }
    return out;
}

void deleteUpstream(const SimProcess& sim, const std::vector<Victim>& victims) {
    for (const auto& v : victims) sim.control().mutate({{"op", "delete"}, {"stream", v.stream}, {"id", v.id()}});
}

std::string deletedAt(const RoomsdSetup& roomsd, const Victim& v) {
    SQLite::Database db = roomsd.open();
    return queryOne(db, "SELECT coalesce(deleted_at, 'NULL') FROM " + v.stream + " WHERE id = '" + v.id() + "'");
}

std::int64_t tombstones(const RoomsdSetup& roomsd) {
    SQLite::Database db = roomsd.open();
    std::int64_t n = 0;
    for (const auto& stream : streams())
        n += db.execAndGet("SELECT count(*) FROM " + stream + " WHERE deleted_at IS NOT NULL").getInt64();
    return n;
}

} // namespace

TEST_CASE("deletions: --once --reconcile tombstones, restores, and a failed listing deletes nothing") {
    SimProcess sim({"--rooms", "120", "--seed", "21"});
    RoomsdSetup roomsd(sim, {{"telnyx", "max_retries: 1"}, {"log", "level: info"}});
    requireRun(roomsd);

    json::object account = sim.control().account();
    std::vector<Victim> victims = pick(account, "rooms", 3, 17, 3);
    for (auto& v : pick(account, "room_sessions", 5, 31, 3)) victims.push_back(std::move(v));
    for (auto& v : pick(account, "room_participants", 7, 97, 5)) victims.push_back(std::move(v));
    deleteUpstream(sim, victims);
    report("deletions", "injected",
           "deleted upstream between passes: 3 rooms, 3 sessions, 5 participants (mutate delete)");

    requireRun(roomsd, {"--once", "--reconcile"});
    for (const auto& v : victims) {
        INFO(v.stream << " " << v.id());
        CHECK(deletedAt(roomsd, v) != "NULL");
    }
    requireExact(sim, roomsd.database());
    CHECK(tombstones(roomsd) == 11);

    {
        // Hidden from the Telnyx-compatible API: the daemon on the same mirror answers 404.
        ChildProcess daemon = roomsd.start({}, roomsd.dir() / "daemon.stderr");
        auto ask = [&](const std::string& target) {
            HttpRequest r;
            r.url = "http://localhost" + target;
            r.unixSocket = roomsd.socket().string();
            return send(r);
        };
        REQUIRE(eventually([&] { return ask("/status").status == 200; }, std::chrono::seconds(20)));
        for (const auto& v : victims) {
            INFO(v.stream << " " << v.id());
            CHECK(ask("/v2/" + v.stream + "/" + v.id()).status == 404);
        }
        // The daemon's reconcile on demand: POST /sync?reconcile=true (409 while its first pass runs).
        Victim room = pick(sim.control().account(), "rooms", 40, 1, 1).at(0);
        REQUIRE(ask("/v2/rooms/" + room.id()).status == 200);
        deleteUpstream(sim, {room});
        HttpRequest reconcile;
        reconcile.method = "POST";
        reconcile.url = "http://localhost/sync?reconcile=true";
        reconcile.unixSocket = roomsd.socket().string();
        REQUIRE(eventually([&] { return send(reconcile).status == 202; }, std::chrono::seconds(20)));
        CHECK(eventually([&] { return ask("/v2/rooms/" + room.id()).status == 404; }, std::chrono::seconds(20)));
        CHECK(terminateWithin(daemon, std::chrono::seconds(10)) == 0);
        CHECK(deletedAt(roomsd, room) != "NULL");
    }

    // Re-created with the same id, exactly as they were: the next reconcile restores them.
    std::vector<Victim> back{victims[0], victims[3], victims[6]};
    for (const auto& v : back) {
        json::object record = v.record;
        record.erase("record_type");
        sim.control().mutate({{"op", "create"}, {"stream", v.stream}, {"record", record}});
    }
    requireRun(roomsd, {"--once", "--reconcile"});
    for (const auto& v : back) {
        INFO("re-created " << v.stream << " " << v.id());
        CHECK(deletedAt(roomsd, v) == "NULL");
    }
    requireExact(sim, roomsd.database());
    CHECK(tombstones(roomsd) == 9);

    // A reconcile whose participants listing fails on page 2 (more 500s than retries) deletes nothing.
    std::vector<Victim> more = pick(sim.control().account(), "room_participants", 11, 89, 4);
    deleteUpstream(sim, more);
    sim.control().addFaults(json::array{json::object{
        {"path", "/v2/room_participants"}, {"page", 2}, {"times", 1000}, {"kind", "status"}, {"status", 500}}});
    RunResult failed = roomsd.run({"--once", "--reconcile"});
    INFO(failed.err);
    CHECK(failed.exitCode == 1);
    CHECK(tombstones(roomsd) == 9);
    for (const auto& v : more) {
        INFO("deleted upstream, listing failed: " << v.id());
        CHECK(deletedAt(roomsd, v) == "NULL");
    }
    sim.control().clearFaults();
    requireRun(roomsd, {"--once", "--reconcile"});
    Diff last = requireExact(sim, roomsd.database());
    CHECK(tombstones(roomsd) == 13);
    report("deletions", "verified",
           "11 tombstoned and 404 on /v2, 1 more by the daemon's POST /sync?reconcile=true, 3 re-created restored, a "
           "reconcile failing on participants page 2 "
           "deleted 0 of 4, the next one 4; exact: " +
               last.comparedSummary() + " (tombstones " + std::to_string(tombstones(roomsd)) + ")");
}
