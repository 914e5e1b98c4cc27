// Bulk load: a first backfill's mirror without its secondary indexes, and with the same indexes
// again afterwards, whether the cycle ends or roomsd is killed before it does.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Statement.h>

#include <string>

#include "store/bulk_load.hpp"
#include "store/database.hpp"
#include "store/mirror_writer.hpp"
#include "store_records.hpp"
#include "support/process.hpp"

using namespace roomsd;
using namespace roomsd::store;
using test::at;
using test::parseRecords;

namespace {

// Every schema object with its text, in name order: what the migrations made.
std::string schemaText(SQLite::Database& db) {
    std::string out;
    SQLite::Statement q(db, "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema ORDER BY name");
    while (q.executeStep()) out += q.getColumn(0).getString() + "\n";
    return out;
}

int secondaryIndexes(SQLite::Database& db) {
    return db
        .execAndGet("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
                    " AND tbl_name IN ('rooms', 'room_sessions', 'room_participants')")
        .getInt();
}

const char* kRooms =
    R"([{"id":"r1","unique_name":"a","created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-02T00:00:00Z"},
                         {"id":"r2","unique_name":"b","created_at":"2026-01-01T00:00:01Z","updated_at":"2026-01-02T00:00:00Z"}])";

} // namespace

TEST_CASE("an empty mirror's first backfill writes without the secondary indexes, then has the same ones again") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    std::string migrated = schemaText(db);
    int indexes = secondaryIndexes(db);
    REQUIRE(indexes >= 10);

    auto begun = beginBulkLoad(db);
    REQUIRE(begun);
    CHECK(*begun == indexes);
    CHECK(secondaryIndexes(db) == 0);
    CHECK(db.execAndGet("SELECT count(*) FROM deferred_indexes").getInt() == indexes);
    CHECK(*beginBulkLoad(db) == 0); // pending already: nothing more to drop

    MirrorWriter writer(db);
    REQUIRE(writer.upsertPage(parseRecords(model::roomsSchema(), kRooms), at("2026-01-03T00:00:00Z")));
    CHECK(db.execAndGet("SELECT group_concat(id) FROM (SELECT id FROM rooms ORDER BY created_at DESC)").getString() ==
          "r2,r1");

    auto ended = endBulkLoad(db);
    REQUIRE(ended);
    CHECK(*ended == indexes);
    CHECK(schemaText(db) == migrated);
    CHECK(db.execAndGet("SELECT count(*) FROM deferred_indexes").getInt() == 0);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
    CHECK(*endBulkLoad(db) == 0);
}

TEST_CASE("a mirror that holds records keeps its indexes") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    int indexes = secondaryIndexes(db);
    MirrorWriter writer(db);
    REQUIRE(writer.upsertPage(parseRecords(model::roomsSchema(), kRooms), at("2026-01-03T00:00:00Z")));
    CHECK(*beginBulkLoad(db) == 0);
    CHECK(secondaryIndexes(db) == indexes);
}

TEST_CASE("a roomsd killed while its indexes were deferred gets them back when it next opens the mirror") {
    test::TempDir dir;
    std::string migrated;
    {
        auto db = openWriter(dir / "mirror.db");
        migrated = schemaText(db);
        REQUIRE(*beginBulkLoad(db) > 0);
        MirrorWriter writer(db);
        REQUIRE(writer.upsertPage(parseRecords(model::roomsSchema(), kRooms), at("2026-01-03T00:00:00Z")));
    } // closed without endBulkLoad
    auto db = openWriter(dir / "mirror.db");
    CHECK(schemaText(db) == migrated);
    CHECK(db.execAndGet("SELECT count(*) FROM rooms").getInt() == 2);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}
