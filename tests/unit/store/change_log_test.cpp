// The change log on a real SQLite file: one row per change the writer applies, in its
// transaction; nothing for unchanged data; retention by age and count, held by consumers.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Statement.h>

#include <map>
#include <tuple>

#include "store/database.hpp"
#include "store/mirror_writer.hpp"
#include "store_records.hpp"
#include "support/process.hpp"

using namespace roomsd;
using namespace roomsd::store;

using test::at;

namespace {

const auto parse = test::parseRecords;

struct Change {
    std::int64_t seq;
    std::string kind, id, op, fields, record, appliedAt;
};

std::vector<Change> changes(SQLite::Database& db, std::int64_t after = 0) {
    SQLite::Statement q(db, "SELECT seq, kind, record_id, op, coalesce(fields, 'NULL'), record, applied_at"
                            " FROM change_log WHERE seq > ? ORDER BY seq");
    q.bind(1, static_cast<int64_t>(after));
    std::vector<Change> out;
    while (q.executeStep())
        out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                       q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                       q.getColumn(6).getString()});
    return out;
}

std::int64_t lastSeq(SQLite::Database& db) {
    return db.execAndGet("SELECT coalesce(max(seq), 0) FROM change_log").getInt64();
}

// (upstream_json, synced_at, deleted_at) by (table, id): what the tables hold, and what
// replaying the log by the feed's rules gives.
using State = std::map<std::pair<std::string, std::string>, std::tuple<std::string, std::string, std::string>>;

State tables(SQLite::Database& db) {
    State out;
    for (const char* table : {"rooms", "room_sessions", "room_participants"}) {
        SQLite::Statement q(db,
                            std::string("SELECT id, upstream_json, synced_at, coalesce(deleted_at, '') FROM ") + table);
        while (q.executeStep())
            out[{table, q.getColumn(0).getString()}] = {q.getColumn(1).getString(), q.getColumn(2).getString(),
                                                        q.getColumn(3).getString()};
    }
    return out;
}

State replay(const std::vector<Change>& log) {
    State out;
    for (const Change& c : log) out[{c.kind, c.id}] = {c.record, c.appliedAt, c.op == "delete" ? c.appliedAt : ""};
    return out;
}

} // namespace

TEST_CASE("each insert, update, deletion mark and restore is one change, and unchanged data adds none") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorWriter writer(db);
    const auto& rooms = model::roomsSchema();

    auto v1 = parse(rooms, R"([{"id":"r1","unique_name":"a","max_participants":5,"updated_at":"2026-01-01T10:00:00Z"},
                              {"id":"r2","unique_name":"b","updated_at":"2026-01-01T11:00:00Z",
                               "sessions":[{"id":"s1","room_id":"r2","active":true}]}])");
    REQUIRE(writer.upsertPage(v1, at("2026-01-02T00:00:00Z")));
    auto log = changes(db);
    REQUIRE(log.size() == 3); // r1, r2, then r2's embedded session
    CHECK(log[0].seq == 1);
    CHECK(log[0].op == "insert");
    CHECK(log[0].fields == "NULL");
    CHECK(log[0].kind == "rooms");
    CHECK(log[0].record == R"({"id":"r1","max_participants":5,"unique_name":"a","updated_at":"2026-01-01T10:00:00Z"})");
    CHECK(log[0].appliedAt == "2026-01-02T00:00:00.000000Z");
    CHECK(log[1].id == "r2");
    CHECK(log[2].kind == "room_sessions");
    CHECK(log[2].id == "s1");

    // The same data again, and an older copy: nothing.
    REQUIRE(writer.upsertPage(v1, at("2026-01-03T00:00:00Z")));
    REQUIRE(writer.upsertPage(parse(rooms, R"([{"id":"r1","unique_name":"old","updated_at":"2026-01-01T09:00:00Z"}])"),
                              at("2026-01-03T00:00:00Z")));
    CHECK(lastSeq(db) == 3);

    // An update names the fields that changed, a field gone included.
    REQUIRE(writer.upsertPage(parse(rooms, R"([{"id":"r1","unique_name":"a2","updated_at":"2026-01-01T12:00:00Z"}])"),
                              at("2026-01-04T00:00:00Z")));
    log = changes(db, 3);
    REQUIRE(log.size() == 1);
    CHECK(log[0].op == "update");
    CHECK(log[0].fields == R"(["max_participants","unique_name","updated_at"])");

    // A deletion mark, then the record listed again unchanged (restore), then deleted and listed
    // again changed (restore with its fields).
    CHECK(*writer.markDeleted(rooms, "r2", at("2026-01-05T00:00:00Z")));
    CHECK_FALSE(*writer.markDeleted(rooms, "r2", at("2026-01-05T00:00:00Z"))); // already marked: no change
    REQUIRE(writer.upsertPage(parse(rooms, R"([{"id":"r2","unique_name":"b","updated_at":"2026-01-01T11:00:00Z"}])"),
                              at("2026-01-06T00:00:00Z")));
    CHECK(*writer.markDeleted(rooms, "r2", at("2026-01-07T00:00:00Z")));
    REQUIRE(writer.upsertPage(parse(rooms, R"([{"id":"r2","unique_name":"c","updated_at":"2026-01-01T13:00:00Z"}])"),
                              at("2026-01-08T00:00:00Z")));
    log = changes(db, 4);
    REQUIRE(log.size() == 4);
    CHECK(log[0].op == "delete");
    CHECK(log[0].fields == R"(["deleted_at"])");
    CHECK(log[0].record == R"({"id":"r2","unique_name":"b","updated_at":"2026-01-01T11:00:00Z"})");
    CHECK(log[1].op == "restore");
    CHECK(log[1].fields == R"(["deleted_at"])");
    CHECK(log[2].op == "delete");
    CHECK(log[3].op == "restore");
    CHECK(log[3].fields == R"(["deleted_at","unique_name","updated_at"])");

    // Replaying the whole log gives the tables, row for row.
    CHECK(replay(changes(db)) == tables(db));
    CHECK(*writer.markDeleted(rooms, "r1", at("2026-01-09T00:00:00Z")));
    CHECK(replay(changes(db)) == tables(db));
}

TEST_CASE("a batch that fails takes its changes with it, a committed batch keeps them") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorWriter writer(db);
    writer.batchPages(true);
    const auto& rooms = model::roomsSchema();
    REQUIRE(writer.upsertPage(parse(rooms, R"([{"id":"r1"}])"), at("2026-01-02T00:00:00Z")));
    REQUIRE(writer.flush());
    REQUIRE(writer.upsertPage(parse(rooms, R"([{"id":"r2"}])"), at("2026-01-02T00:00:00Z")));
    REQUIRE(writer.markDeleted(rooms, "r1", at("2026-01-02T00:00:00Z")));
    db.exec("PRAGMA query_only = 1");
    REQUIRE_FALSE(writer.upsertPage(parse(rooms, R"([{"id":"r3"}])"), at("2026-01-03T00:00:00Z")));
    db.exec("PRAGMA query_only = 0");
    REQUIRE(writer.flush());
    auto log = changes(db);
    REQUIRE(log.size() == 1);
    CHECK(log[0].id == "r1");
    CHECK(replay(log) == tables(db));
}

TEST_CASE("retention trims by count and by age, never past a consumer's ack, and records what it trimmed") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorWriter writer(db);
    const auto& rooms = model::roomsSchema();
    // 30 changes on day 1, 30 on day 10.
    for (int day : {1, 10}) {
        std::string page = "[";
        for (int i = 0; i < 30; ++i)
            page += std::string(i ? "," : "") + R"({"id":"d)" + std::to_string(day) + "-" + std::to_string(i) + "\"}";
        std::string when = "2026-01-" + std::string(day < 10 ? "0" : "") + std::to_string(day) + "T00:00:00Z";
        REQUIRE(writer.upsertPage(parse(rooms, page + "]"), at(when.c_str())));
    }
    REQUIRE(lastSeq(db) == 60);
    auto through = [&] { return db.execAndGet("SELECT through FROM change_log_trim").getInt64(); };
    auto oldest = [&] { return db.execAndGet("SELECT min(seq) FROM change_log").getInt64(); };

    // Nothing old enough nor too many: nothing trimmed.
    auto none = writer.trimChanges({.days = 30, .count = 100}, at("2026-01-11T00:00:00Z"));
    REQUIRE(none);
    CHECK(none->deleted == 0);
    CHECK(through() == 0);

    // By count: the newest 50 stay.
    auto byCount = writer.trimChanges({.days = 30, .count = 50}, at("2026-01-11T00:00:00Z"));
    REQUIRE(byCount);
    CHECK(byCount->deleted == 10);
    CHECK(through() == 10);
    CHECK(oldest() == 11);

    // A consumer that acknowledged 20 holds the log after 20, whatever the age.
    db.exec("INSERT INTO change_consumers (name, acked_seq, registered_at) VALUES ('bi', 20, '2026-01-01T00:00:00Z')");
    auto held = writer.trimChanges({.days = 5, .count = 50}, at("2026-01-11T00:00:00Z"));
    REQUIRE(held);
    CHECK(held->heldByConsumer);
    CHECK(through() == 20);
    CHECK(oldest() == 21);

    // Acknowledged further: the age limit trims every change of day 1, and no more.
    db.exec("UPDATE change_consumers SET acked_seq = 60");
    auto byAge = writer.trimChanges({.days = 5, .count = 50}, at("2026-01-11T00:00:00Z"));
    REQUIRE(byAge);
    CHECK(byAge->deleted == 10);
    CHECK(through() == 30);
    CHECK(oldest() == 31);

    // One call deletes at most maxPerTrim; the next goes on. Trimmed seqs are never reused.
    db.exec("DELETE FROM change_consumers");
    auto first = writer.trimChanges({.days = 5, .count = 1, .maxPerTrim = 20}, at("2026-01-11T00:00:00Z"));
    CHECK(first->deleted == 20);
    auto second = writer.trimChanges({.days = 5, .count = 1, .maxPerTrim = 20}, at("2026-01-11T00:00:00Z"));
    CHECK(second->deleted == 9);
    CHECK(through() == 59);
    REQUIRE(writer.trimChanges({.days = 1, .count = 1}, at("2026-02-01T00:00:00Z")));
    CHECK(through() == 60);
    CHECK(lastSeq(db) == 0);
    REQUIRE(writer.upsertPage(parse(rooms, R"([{"id":"new"}])"), at("2026-02-01T00:00:00Z")));
    CHECK(lastSeq(db) == 61);
}
