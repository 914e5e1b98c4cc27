// The PostgreSQL side of roomsd-replicate, with hand-made changes in the feed's format: a real
// PostgreSQL server (pg_server.hpp), roomsd-replicate's library, and FakeMirror standing for
// roomsd's feed. What is checked is what a user of the replica sees: the tables, their rows
// column by column, the position in replica_state, and the errors.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <stop_token>
#include <thread>

#include "fake_mirror.hpp"
#include "pg_server.hpp"
#include "replica_compare.hpp"
#include "replicate/pg_connection.hpp"
#include "replicate/replicator.hpp"
#include "support/process.hpp"

namespace json = boost::json;
using namespace roomsd;
using namespace roomsd::test;

namespace {

constexpr const char* kKinds[] = {"rooms", "room_sessions", "room_participants"};

// The replicator on its own thread, stopped (and joined) at the end of the scope.
class RunningReplicator {
public:
    RunningReplicator(const PgServer& pg, ctl::Transport& mirror, replicate::ReplicatorOptions options = {})
        : replicator_(options, Secret(pg.conninfo()), mirror), thread_([this](std::stop_token stop) {
              auto r = replicator_.run(stop);
              std::lock_guard lock(mutex_);
              done_ = true;
              if (!r) error_ = r.error().message;
          }) {}
    ~RunningReplicator() { stop(); }
    void stop() {
        thread_.request_stop();
        if (thread_.joinable()) thread_.join();
    }
    bool done() {
        std::lock_guard lock(mutex_);
        return done_;
    }
    std::string error() {
        std::lock_guard lock(mutex_);
        return error_;
    }

private:
    replicate::Replicator replicator_;
    std::mutex mutex_;
    bool done_ = false;
    std::string error_;
    std::jthread thread_;
};

// "" when every table of the replica equals the fake mirror's, else the first difference.
std::string difference(PgClient& pg, const FakeMirror& mirror) {
    for (const char* kind : kKinds) {
        std::string d = firstDifference(kind, mirror.table(kind), pgTable(pg, "roomsd", kind));
        if (!d.empty()) return d;
    }
    return "";
}

bool converged(PgClient& pg, const FakeMirror& mirror) {
    try {
        return difference(pg, mirror).empty() &&
               pg.scalar("SELECT last_seq FROM roomsd.replica_state WHERE consumer = 'replica'") ==
                   std::to_string(mirror.lastSeq());
    } catch (const std::exception&) { // the schema is not there yet
        return false;
    }
}

// A small account: two rooms, a session of the first, a participant in it.
void seed(FakeMirror& mirror) {
    mirror.change("rooms", "insert",
                  mirrorRow("rooms", "room-1",
                            {{"unique_name", "alpha"},
                             {"max_participants", 10},
                             {"enable_recording", true},
                             {"created_at", "2026-11-30T09:00:00.000000Z"},
                             {"record_type", "room"},
                             {"some_new_field", json::object{{"nested", json::array{1, 2}}}}}));
    mirror.change("rooms", "insert",
                  mirrorRow("rooms", "room-2",
                            {{"unique_name", "beta"}, {"enable_recording", false}, {"webhook_timeout_secs", 5}}));
    mirror.change("room_sessions", "insert",
                  mirrorRow("room_sessions", "session-1",
                            {{"room_id", "room-1"},
                             {"active", false},
                             {"created_at", "2026-11-30T10:00:00.000000Z"},
                             {"ended_at", "2026-11-30T10:30:00.250000Z"}}));
    mirror.change("room_participants", "insert",
                  mirrorRow("room_participants", "participant-1",
                            {{"session_id", "session-1"},
                             {"context", "Alice \"A\" \u00e9"},
                             {"joined_at", "2026-11-30T10:01:00.000001Z"},
                             {"left_at", "2026-11-30T10:29:59.999999Z"}}));
}

// Seeds `mirror`, runs a replicator until the replica equals it, and stops it.
void replicateSeededAccount(const PgServer& pg, FakeMirror& mirror, PgClient& client) {
    seed(mirror);
    RunningReplicator replicator(pg, mirror);
    REQUIRE(eventually([&] { return converged(client, mirror); }));
}

} // namespace

TEST_CASE("the replica's tables have the mirror's columns, typed for PostgreSQL", "[replicate]") {
    PgServer pg;
    FakeMirror mirror;
    RunningReplicator replicator(pg, mirror);
    PgClient client = pg.client();
    REQUIRE(eventually([&] { return converged(client, mirror); }));
    // The reference: the mirror's own tables, made from schema/0001_init.sql in SQLite.
    SQLite::Database sqlite(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    sqlite.exec(readFile(sourceDir() / "schema" / "0001_init.sql"));
    const std::map<std::string, std::string> typeFor{{"TEXT", "text"}, {"INTEGER", "bigint"}};
    for (const char* kind : kKinds) {
        SQLite::Statement info(sqlite, std::string("SELECT name, type FROM pragma_table_info('") + kind + "')");
        std::vector<std::string> expected;
        while (info.executeStep()) {
            std::string name = info.getColumn(0).getString();
            std::string type = typeFor.at(info.getColumn(1).getString());
            if (name.size() > 3 && (name.ends_with("_at"))) type = "timestamp with time zone";
            if (name == "active" || name == "enable_recording") type = "boolean";
            if (name == "upstream_json") type = "jsonb";
            expected.push_back(name + " " + type);
        }
        std::vector<std::string> actual;
        for (const auto& row : client.query(std::string("SELECT column_name, data_type FROM information_schema.columns "
                                                        "WHERE table_schema = 'roomsd' AND table_name = '") +
                                            kind + "' ORDER BY ordinal_position"))
            actual.push_back(*row[0] + " " + *row[1]);
        CHECK(actual == expected);
    }
    // The views, with the mirror's column names.
    for (const char* view : {"session_stats", "participant_stats", "room_daily_activity"}) {
        SQLite::Database mirrorDb(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        mirrorDb.exec(readFile(sourceDir() / "schema" / "0001_init.sql"));
        mirrorDb.exec(readFile(sourceDir() / "schema" / "0002_analytics_views.sql"));
        SQLite::Statement info(mirrorDb, std::string("SELECT name FROM pragma_table_info('") + view + "')");
        std::vector<std::string> expected;
        while (info.executeStep()) expected.push_back(info.getColumn(0).getString());
        std::vector<std::string> actual;
        for (const auto& row :
             client.query(std::string("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                      "'roomsd' AND table_name = '") +
                          view + "' ORDER BY ordinal_position"))
            actual.push_back(*row[0]);
        CHECK(actual == expected);
    }
}

TEST_CASE("the first start loads a snapshot, then every change is applied with its position", "[replicate]") {
    PgServer pg;
    FakeMirror mirror;
    seed(mirror);
    RunningReplicator replicator(pg, mirror);
    PgClient client = pg.client();
    REQUIRE(eventually([&] { return converged(client, mirror); }));
    INFO(difference(client, mirror));
    CHECK(client.scalar("SELECT snapshot_seq FROM roomsd.replica_state") == "4");
    CHECK(mirror.snapshotsServed() == 1);
    CHECK(eventually([&] { return mirror.acked("replica") == 4; }));

    // An update, a deletion, a restore that changed the record too, and a new participant.
    mirror.change("rooms", "update",
                  mirrorRow("rooms", "room-2", {{"unique_name", "beta-renamed"}, {"enable_recording", true}},
                            "2026-12-01T14:05:00.000000Z"));
    json::object gone = mirrorRow("room_sessions", "session-1",
                                  {{"room_id", "room-1"},
                                   {"active", false},
                                   {"created_at", "2026-11-30T10:00:00.000000Z"},
                                   {"ended_at", "2026-11-30T10:30:00.250000Z"}},
                                  "2026-12-01T14:06:00.000000Z");
    gone["deleted_at"] = "2026-12-01T14:06:00.000000Z";
    mirror.change("room_sessions", "delete", gone);
    mirror.change("rooms", "restore",
                  mirrorRow("rooms", "room-1", {{"unique_name", "alpha"}, {"max_participants", 12}},
                            "2026-12-01T14:07:00.000000Z"));
    mirror.change("room_participants", "insert",
                  mirrorRow("room_participants", "participant-2", {{"session_id", "session-1"}}));
    REQUIRE(eventually([&] { return converged(client, mirror); }));
    CHECK(client.scalar("SELECT deleted_at AT TIME ZONE 'UTC' FROM roomsd.room_sessions") == "2026-12-01 14:06:00");
    CHECK(client.scalar("SELECT upstream_json->'some_new_field'->'nested'->>1 FROM roomsd.rooms WHERE id = 'room-1'") ==
          "");
    CHECK(client.scalar("SELECT max_participants FROM roomsd.rooms WHERE id = 'room-1'") == "12");
    CHECK(eventually([&] { return mirror.acked("replica") == 8; }));
    CHECK(mirror.snapshotsServed() == 1); // followed, not reloaded
}

TEST_CASE("a snapshot without its end line is discarded, and the next complete one is loaded", "[replicate]") {
    PgServer pg;
    FakeMirror mirror;
    seed(mirror);
    mirror.cutSnapshots(2);
    RunningReplicator replicator(pg, mirror);
    PgClient client = pg.client();
    REQUIRE(eventually([&] { return converged(client, mirror); }));
    CHECK(mirror.snapshotsServed() == 3);
    CHECK(client.scalar("SELECT count(*) FROM roomsd.rooms") == "2");
}

TEST_CASE("a 410 leads to a new snapshot, and a PostgreSQL crash and an absent roomsd mid-run are survived",
          "[replicate]") {
    PgServer pg;
    FakeMirror mirror;
    PgClient client = pg.client();
    replicateSeededAccount(pg, mirror, client);
    // While it was stopped, roomsd trimmed past its position.
    mirror.change("rooms", "update", mirrorRow("rooms", "room-2", {{"unique_name", "gamma"}}));
    mirror.change("rooms", "insert", mirrorRow("rooms", "room-3", {{"unique_name", "delta"}}));
    mirror.trimThrough(5);
    RunningReplicator replicator(pg, mirror);
    REQUIRE(eventually([&] { return converged(client, mirror); }));
    CHECK(mirror.snapshotsServed() == 2);
    CHECK(client.scalar("SELECT snapshot_seq FROM roomsd.replica_state") == "6");

    // PostgreSQL goes away (as a crash), changes keep coming, it comes back.
    pg.stop(true);
    mirror.change("rooms", "update", mirrorRow("rooms", "room-3", {{"unique_name", "epsilon"}}));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    mirror.change("rooms", "update", mirrorRow("rooms", "room-1", {{"unique_name", "zeta"}}));
    pg.start();
    PgClient again = pg.client();
    REQUIRE(eventually([&] { return converged(again, mirror); }, std::chrono::seconds(20)));
    CHECK_FALSE(replicator.done());
    CHECK(mirror.snapshotsServed() == 2); // resumed from the committed position

    // roomsd goes away for three requests (down, restarting) while changes wait.
    mirror.refuseRequests(3);
    mirror.change("rooms", "update", mirrorRow("rooms", "room-2", {{"unique_name", "eta"}}));
    REQUIRE(eventually([&] { return converged(again, mirror); }, std::chrono::seconds(20)));
    CHECK_FALSE(replicator.done());
    CHECK(mirror.snapshotsServed() == 2);
}

TEST_CASE("a mirror whose log is behind the replica's position (a new mirror) is snapshot again", "[replicate]") {
    PgServer pg;
    FakeMirror old;
    PgClient client = pg.client();
    replicateSeededAccount(pg, old, client);
    FakeMirror fresh; // roomsd started over on a new database: its log is at 2, the replica at 4
    fresh.change("rooms", "insert", mirrorRow("rooms", "room-9", {{"unique_name", "new"}}));
    fresh.change("rooms", "insert", mirrorRow("rooms", "room-8", {{"unique_name", "newer"}}));
    RunningReplicator replicator(pg, fresh);
    REQUIRE(eventually([&] { return converged(client, fresh); }));
    CHECK(fresh.snapshotsServed() == 1);
    CHECK(client.scalar("SELECT string_agg(id, ',' ORDER BY id) FROM roomsd.rooms") == "room-8,room-9");
}

TEST_CASE("a table someone else changed stops the replica with the table, the column and what to do", "[replicate]") {
    PgServer pg;
    FakeMirror mirror;
    PgClient client = pg.client();
    replicateSeededAccount(pg, mirror, client);
    client.query("ALTER TABLE roomsd.rooms ALTER COLUMN max_participants TYPE integer");
    mirror.change("rooms", "update", mirrorRow("rooms", "room-2", {{"unique_name", "not written"}}));
    RunningReplicator replicator(pg, mirror);
    REQUIRE(eventually([&] { return replicator.done(); }));
    CHECK(replicator.error().find("table roomsd.rooms: column max_participants is integer, expected bigint") !=
          std::string::npos);
    CHECK(replicator.error().find("DROP TABLE") != std::string::npos);
    CHECK(client.scalar("SELECT unique_name FROM roomsd.rooms WHERE id = 'room-2'") == "beta");

    // A column added by someone else is foreign too.
    client.query("ALTER TABLE roomsd.rooms ALTER COLUMN max_participants TYPE bigint");
    client.query("ALTER TABLE roomsd.room_sessions ADD COLUMN note text");
    RunningReplicator second(pg, mirror);
    REQUIRE(eventually([&] { return second.done(); }));
    CHECK(second.error().find("table roomsd.room_sessions: column note (text) is not one of the replica's") !=
          std::string::npos);
}

TEST_CASE("the connection string's password appears in no error", "[replicate]") {
    std::stop_source stop;
    auto refused = replicate::PgConnection::connect(
        Secret("host=/nonexistent-dir port=1 user=x password=Hunter2SecretPw"), stop.get_token());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("Hunter2SecretPw") == std::string::npos);
    auto malformed = replicate::PgConnection::connect(Secret("host=/tmp Hunter2SecretPw"), stop.get_token());
    REQUIRE_FALSE(malformed);
    CHECK(malformed.error().kind == ErrorKind::Config);
    CHECK(malformed.error().message.find("Hunter2SecretPw") == std::string::npos);
    auto uri = replicate::PgConnection::connect(Secret("postgresql://u:Hunter2SecretPw@/db?host=/nonexistent&bad%zz=1"),
                                                stop.get_token());
    REQUIRE_FALSE(uri);
    CHECK(uri.error().message.find("Hunter2SecretPw") == std::string::npos);
}
