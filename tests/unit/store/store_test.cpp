// The store on a real SQLite file: migrations, idempotent upserts, deletion marks, sync state.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <fstream>
#include <sqlite3.h>
#include <unistd.h>

#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/mirror_writer.hpp"
#include "store/sync_state.hpp"
#include "store/writer_lock.hpp"
#include "store_records.hpp"
#include "support/process.hpp"

using namespace roomsd;
using namespace roomsd::store;

using test::at;

namespace {

const auto parse = test::parseRecords;

std::string column(SQLite::Database& db, const std::string& sql) {
    SQLite::Statement q(db, sql);
    REQUIRE(q.executeStep());
    return q.getColumn(0).isNull() ? "NULL" : q.getColumn(0).getString();
}

std::int64_t walBytes(const std::filesystem::path& db) {
    std::error_code ec;
    auto size = std::filesystem::file_size(db.string() + "-wal", ec);
    return ec ? 0 : static_cast<std::int64_t>(size);
}

} // namespace

TEST_CASE("a new database gets every migration, and opening it again changes nothing") {
    test::TempDir dir;
    auto path = dir / "sub" / "mirror.db";
    {
        auto db = openWriter(path);
        CHECK(db.execAndGet("PRAGMA user_version").getInt() == embeddedMigrations().back().version);
        CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
        CHECK(db.tableExists("rooms"));
        CHECK(db.tableExists("room_sessions"));
        CHECK(db.tableExists("room_participants"));
        CHECK(db.tableExists("sync_runs"));
    }
    auto db = openWriter(path);
    CHECK(db.execAndGet("SELECT count(*) FROM schema_migrations").getInt() ==
          static_cast<int>(embeddedMigrations().size()));
}

TEST_CASE("a database of an earlier release gets the later migrations and keeps its records") {
    test::TempDir dir;
    auto path = dir / "mirror.db";
    auto all = embeddedMigrations();
    REQUIRE(all.size() >= 2);
    {
        SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        CHECK(migrate(old, all.first(1)) == all.front().version);
        old.exec("INSERT INTO rooms (id, upstream_json, synced_at) VALUES ('r1', '{\"id\":\"r1\"}', "
                 "'2026-01-01T00:00:00.000000Z')");
    }
    auto db = openWriter(path);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == all.back().version);
    CHECK(db.execAndGet("SELECT count(*) FROM schema_migrations").getInt() == static_cast<int>(all.size()));
    CHECK(column(db, "SELECT upstream_json FROM rooms WHERE id = 'r1'") == "{\"id\":\"r1\"}");
    CHECK(db.execAndGet("SELECT count(*) FROM session_stats").getInt() == 0);
}

TEST_CASE("a database that another program created is refused and left as it was") {
    test::TempDir dir;
    auto path = dir / "theirs.db";
    {
        SQLite::Database theirs(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        theirs.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    }
    CHECK_THROWS_WITH(openWriter(path), Catch::Contains("was not created by roomsd (it holds \"invoices\")"));
    SQLite::Database theirs(path, SQLite::OPEN_READONLY);
    CHECK_FALSE(theirs.tableExists("schema_migrations"));
    CHECK_FALSE(theirs.tableExists("rooms"));
}

TEST_CASE("a database from a newer roomsd, or with an edited migration, is refused") {
    test::TempDir dir;
    auto path = dir / "mirror.db";
    {
        auto db = openWriter(path);
        db.exec("INSERT INTO schema_migrations VALUES (999, '0999_future.sql', 'x', '2030-01-01T00:00:00Z')");
    }
    CHECK_THROWS_WITH(openWriter(path), Catch::Contains("newer than this roomsd knows"));

    auto other = dir / "other.db";
    { auto db = openWriter(other); }
    SQLite::Database raw(other, SQLite::OPEN_READWRITE);
    std::vector<Migration> edited(embeddedMigrations().begin(), embeddedMigrations().end());
    std::string changed = std::string(edited[0].sql) + "\n-- edited";
    edited[0].sql = changed;
    CHECK_THROWS_WITH(migrate(raw, edited), Catch::Contains("must never be edited"));
}

TEST_CASE("the reader connection cannot write") {
    test::TempDir dir;
    auto path = dir / "mirror.db";
    { auto db = openWriter(path); }
    auto reader = openReader(path);
    CHECK(reader.execAndGet("SELECT count(*) FROM rooms").getInt() == 0);
    CHECK_THROWS(reader.exec("INSERT INTO sync_state (stream) VALUES ('rooms')"));
    CHECK_THROWS(reader.exec("DELETE FROM rooms"));
    CHECK_THROWS(openReader(dir / "missing.db"));
}

TEST_CASE("upserts insert, skip unchanged and older copies, and update newer ones") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorWriter writer(db);
    const auto& rooms = model::roomsSchema();

    auto v1 = parse(rooms, R"([{"id":"r1","unique_name":"a","max_participants":5,"enable_recording":true,
                               "updated_at":"2026-01-01T10:00:00.000000Z","webhook_timeout_secs":null},
                              {"id":"r2","unique_name":"b","updated_at":"2026-01-01T11:00:00.000000Z"}])");
    auto first = writer.upsertPage(v1, at("2026-01-02T00:00:00Z"));
    REQUIRE(first);
    CHECK(first->counts.inserted == 2);
    CHECK(column(db, "SELECT max_participants FROM rooms WHERE id='r1'") == "5");
    CHECK(column(db, "SELECT enable_recording FROM rooms WHERE id='r1'") == "1");
    CHECK(column(db, "SELECT webhook_timeout_secs FROM rooms WHERE id='r1'") == "NULL");
    CHECK(column(db, "SELECT synced_at FROM rooms WHERE id='r1'") == "2026-01-02T00:00:00.000000Z");

    auto again = writer.upsertPage(v1, at("2026-01-03T00:00:00Z"));
    REQUIRE(again);
    CHECK(again->counts.unchanged == 2);
    CHECK(again->counts.inserted + again->counts.updated == 0);
    CHECK(column(db, "SELECT synced_at FROM rooms WHERE id='r1'") == "2026-01-02T00:00:00.000000Z");

    auto newer = parse(rooms, R"([{"id":"r1","unique_name":"a2","max_participants":6,
                                   "updated_at":"2026-01-01T12:00:00Z"}])");
    CHECK(writer.upsertPage(newer, at("2026-01-04T00:00:00Z"))->counts.updated == 1);
    CHECK(column(db, "SELECT unique_name FROM rooms WHERE id='r1'") == "a2");
    // Every column comes from the newer copy: a field it lacks is NULL.
    CHECK(column(db, "SELECT enable_recording FROM rooms WHERE id='r1'") == "NULL");

    auto older = parse(rooms, R"([{"id":"r1","unique_name":"stale","updated_at":"2026-01-01T10:30:00Z"}])");
    CHECK(writer.upsertPage(older, at("2026-01-05T00:00:00Z"))->counts.unchanged == 1);
    CHECK(column(db, "SELECT unique_name FROM rooms WHERE id='r1'") == "a2");
}

TEST_CASE("a thinner copy of the same version does not overwrite the fuller one, and back") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorWriter writer(db);
    const auto& sessions = model::sessionsSchema();
    auto full = parse(sessions, R"([{"id":"s1","room_id":"r1","active":false,"ended_at":"2026-01-01T10:00:00Z",
                                     "updated_at":"2026-01-01T10:00:00Z","extra":"x"}])");
    auto thin = parse(sessions, R"([{"id":"s1","room_id":"r1","active":false,"updated_at":"2026-01-01T10:00:00Z"}])");
    CHECK(writer.upsertPage(full, at("2026-01-02T00:00:00Z"))->counts.inserted == 1);
    for (int round = 0; round < 3; ++round) {
        CHECK(writer.upsertPage(thin, at("2026-01-03T00:00:00Z"))->counts.unchanged == 1);
        CHECK(writer.upsertPage(full, at("2026-01-03T00:00:00Z"))->counts.unchanged == 1);
    }
    CHECK(column(db, "SELECT ended_at FROM room_sessions WHERE id='s1'") == "2026-01-01T10:00:00.000000Z");
    // Same version but a different value is a real change.
    auto changed = parse(sessions, R"([{"id":"s1","room_id":"r1","active":true,"updated_at":"2026-01-01T10:00:00Z"}])");
    CHECK(writer.upsertPage(changed, at("2026-01-04T00:00:00Z"))->counts.updated == 1);
}

TEST_CASE("embedded children are upserted into their own table") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorWriter writer(db);
    auto rooms = parse(model::roomsSchema(), R"([{"id":"r1","sessions":[{"id":"s1","active":true},
                                                                         {"id":"s2","room_id":"r1"}]}])");
    auto result = writer.upsertPage(rooms, at("2026-01-02T00:00:00Z"));
    REQUIRE(result);
    CHECK(result->counts.inserted == 1);
    CHECK(result->embedded.inserted == 2);
    CHECK(result->newToWalk == 1);
    CHECK(column(db, "SELECT count(*) FROM room_sessions WHERE room_id='r1'") == "2");
    CHECK(column(db, "SELECT upstream_json FROM rooms WHERE id='r1'") == R"({"id":"r1"})");
}

TEST_CASE("a second write of unchanged data rewrites no row and does not grow the WAL") {
    test::TempDir dir;
    auto path = dir / "mirror.db";
    auto db = openWriter(path);
    MirrorWriter writer(db);
    std::string data = "[";
    for (int i = 0; i < 500; ++i)
        data += std::string(i ? "," : "") + R"({"id":"p)" + std::to_string(i) +
                R"(","session_id":"s1","context":"someone","updated_at":"2026-01-01T10:00:00Z"})";
    data += "]";
    auto records = parse(model::participantsSchema(), data);
    REQUIRE(writer.upsertPage(records, at("2026-01-02T00:00:00Z"))->counts.inserted == 500);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    REQUIRE(walBytes(path) == 0);
    int changesBefore = sqlite3_total_changes(db.getHandle());
    auto second = writer.upsertPage(records, at("2026-01-03T00:00:00Z"));
    REQUIRE(second);
    CHECK(second->counts.unchanged == 500);
    CHECK(sqlite3_total_changes(db.getHandle()) - changesBefore == 0);
    CHECK(walBytes(path) == 0);
}

TEST_CASE("a pass tracks the ids each walk has seen, and unseen live rows can be marked deleted and come back") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorWriter writer(db);
    const auto& rooms = model::roomsSchema();
    auto all = parse(rooms, R"([{"id":"r1"},{"id":"r2"},{"id":"r3"}])");
    REQUIRE(writer.upsertPage(all, at("2026-01-02T00:00:00Z")));

    REQUIRE(writer.beginPass());
    auto page1 = parse(rooms, R"([{"id":"r1"},{"id":"r2"}])");
    auto first = writer.upsertPage(page1, at("2026-01-03T00:00:00Z"));
    CHECK(first->newToWalk == 2);
    CHECK(first->newToPass == std::vector<std::size_t>{0, 1});
    // The same page again (a server ignoring page[number]) brings nothing new.
    CHECK(writer.upsertPage(page1, at("2026-01-03T00:00:00Z"))->newToWalk == 0);
    CHECK(writer.walkSeenCount() == 2);
    auto unseen = writer.unseenLiveIds(rooms, 100);
    REQUIRE(unseen);
    CHECK(*unseen == std::vector<std::string>{"r3"});
    CHECK(*writer.markDeleted(rooms, "r3", at("2026-01-03T00:00:00Z")));
    CHECK_FALSE(*writer.markDeleted(rooms, "r3", at("2026-01-04T00:00:00Z")));
    CHECK(column(db, "SELECT deleted_at FROM rooms WHERE id='r3'") == "2026-01-03T00:00:00.000000Z");
    CHECK(*writer.liveCount(rooms) == 2);
    CHECK(writer.unseenLiveIds(rooms, 100)->empty());

    // Listed again: upstream has it after all.
    auto back = parse(rooms, R"([{"id":"r3"}])");
    CHECK(writer.upsertPage(back, at("2026-01-05T00:00:00Z"))->counts.updated == 1);
    CHECK(column(db, "SELECT deleted_at FROM rooms WHERE id='r3'") == "NULL");

    // A second walk of the same pass counts afresh; what the first saw is still known to the pass,
    // and the deletion check goes by what the last walk saw.
    writer.beginWalk();
    CHECK(writer.walkSeenCount() == 0);
    CHECK(writer.passSeenCount() == 3);
    auto again = writer.upsertPage(parse(rooms, R"([{"id":"r2"}])"), at("2026-01-06T00:00:00Z"));
    CHECK(again->newToWalk == 1);
    CHECK(again->newToPass.empty());
    CHECK(*writer.unseenLiveIds(rooms, 100) == std::vector<std::string>{"r1", "r3"});
    REQUIRE(writer.markSeen("r1"));
    CHECK(*writer.unseenLiveIds(rooms, 100) == std::vector<std::string>{"r3"});
    CHECK(writer.walkSeenCount() == 2);
}

TEST_CASE("sync state: a pass with a new state sets it, a pass without leaves it") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    SyncStateStore state(db);
    CHECK_FALSE(state.load("rooms")->cursor);

    SyncRun run;
    run.stream = "rooms";
    run.mode = PassMode::Backfill;
    run.startedAt = at("2026-01-02T00:00:00Z");
    run.finishedAt = at("2026-01-02T00:01:00Z");
    run.outcome = PassOutcome::Ok;
    run.counters.inserted = 3;
    StreamState s{at("2026-01-01T12:00:00Z"), at("2026-01-02T00:01:00Z"), at("2026-01-02T00:01:00Z")};
    REQUIRE(state.recordPass(run, s, at("2025-12-01T00:00:00Z")));
    CHECK(state.load("rooms")->cursor == at("2026-01-01T12:00:00Z"));

    run.outcome = PassOutcome::Failed;
    run.message = "HTTP 503";
    run.finishedAt = at("2026-01-03T00:00:00Z");
    REQUIRE(state.recordPass(run, std::nullopt, at("2025-12-01T00:00:00Z")));
    CHECK(state.load("rooms")->cursor == at("2026-01-01T12:00:00Z"));
    CHECK(column(db, "SELECT count(*) FROM sync_runs") == "2");
    CHECK(column(db, "SELECT message FROM sync_runs WHERE outcome='failed'") == "HTTP 503");

    // Old runs are pruned.
    REQUIRE(state.recordPass(run, std::nullopt, at("2026-01-02T12:00:00Z")));
    CHECK(column(db, "SELECT count(*) FROM sync_runs") == "2");
}

TEST_CASE("sync state: an unreadable cursor is no cursor, so the next pass is a backfill") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    db.exec("INSERT INTO sync_state (stream, cursor, last_full_at, last_success_at)"
            " VALUES ('rooms', 'garbage', NULL, '2026-01-02T00:01:00.000000Z')");
    auto loaded = SyncStateStore(db).load("rooms");
    REQUIRE(loaded);
    CHECK_FALSE(loaded->cursor);
    CHECK(loaded->lastSuccessAt == at("2026-01-02T00:01:00Z"));
}

TEST_CASE("sync runs: every column written is read back as it was") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    SyncStateStore state(db);
    SyncRun run;
    run.stream = "sessions";
    run.mode = PassMode::Incremental;
    run.filterDate = parseDate("2026-01-01");
    run.startedAt = at("2026-01-02T00:00:00.123456Z");
    run.finishedAt = at("2026-01-02T00:01:00Z");
    run.outcome = PassOutcome::Held;
    run.message = "moved";
    std::int64_t n = 1;
    for (const CounterColumn& c : counterColumns()) run.counters.*c.member = n++;
    run.cursorBefore = at("2025-12-31T23:59:59.999999Z");
    run.cursorAfter = at("2026-01-01T10:00:00Z");
    REQUIRE(state.recordPass(run, std::nullopt, at("2025-12-01T00:00:00Z")));
    auto read = state.lastRun("sessions");
    REQUIRE(read);
    REQUIRE(read->has_value());
    const SyncRun& back = **read;
    for (const RunColumn& c : runColumns()) CHECK(columnText(back, c) == columnText(run, c));
    for (const CounterColumn& c : counterColumns()) CHECK(back.counters.*c.member == run.counters.*c.member);
    CHECK_FALSE(*state.lastRun("rooms"));
}

TEST_CASE("a second writer on the same database is refused, naming the first") {
    test::TempDir dir;
    auto path = dir / "mirror.db";
    WriterLock first(path);
    CHECK_THROWS_WITH(WriterLock(path), Catch::Contains("another roomsd (pid " + std::to_string(::getpid()) + ")"));
}

TEST_CASE("a database directory that cannot be created is named, with its cause and the key that sets it") {
    test::TempDir dir;
    std::ofstream(dir / "file") << "not a directory\n";
    auto path = dir / "file" / "state" / "roomsd.db";
    CHECK_THROWS_WITH(WriterLock(path),
                      Catch::Contains("cannot create the directory " + (dir / "file" / "state").string()) &&
                          Catch::Contains(": Not a directory") && Catch::Contains("storage.database"));
}

TEST_CASE("batched pages are committed together: another connection sees them after flush, a failed write rolls "
          "its batch back") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorWriter writer(db);
    writer.batchPages(true);
    const auto& rooms = model::roomsSchema();
    REQUIRE(writer.beginPass());
    REQUIRE(writer.upsertPage(parse(rooms, R"([{"id":"r1"},{"id":"r2"}])"), at("2026-01-02T00:00:00Z")));
    REQUIRE(writer.upsertPage(parse(rooms, R"([{"id":"r3"}])"), at("2026-01-02T00:00:00Z")));
    SQLite::Database reader(dir / "mirror.db", SQLite::OPEN_READONLY);
    CHECK(reader.execAndGet("SELECT count(*) FROM rooms").getInt() == 0); // still pending
    REQUIRE(writer.flush());
    CHECK(reader.execAndGet("SELECT count(*) FROM rooms").getInt() == 3);
    CHECK(writer.flush()); // nothing pending: nothing to do

    // A write that fails (the database turned read-only under it, say) loses its batch, not what was committed.
    REQUIRE(writer.upsertPage(parse(rooms, R"([{"id":"r4"}])"), at("2026-01-03T00:00:00Z")));
    db.exec("PRAGMA query_only = 1");
    auto failed = writer.upsertPage(parse(rooms, R"([{"id":"r5"}])"), at("2026-01-03T00:00:00Z"));
    REQUIRE_FALSE(failed);
    CHECK(failed.error().kind == ErrorKind::Storage);
    db.exec("PRAGMA query_only = 0");
    CHECK(writer.flush());
    CHECK(reader.execAndGet("SELECT group_concat(id) FROM (SELECT id FROM rooms ORDER BY id)").getString() ==
          "r1,r2,r3");
}
