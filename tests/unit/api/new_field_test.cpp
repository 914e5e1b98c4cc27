// Adding an upstream field is one RecordSchema entry plus its migration: this
// test adds `region` to a copy of the rooms schema, with the migration that adds
// the column, and finds it in the table (old rows filled from their upstream
// JSON), in what /v2 answers, in /sql and in roomsctl's table, with no other
// edit anywhere. README.md, "Development", lists the files such a change touches.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <vector>

#include "api/sql_encoding.hpp"
#include "api/telnyx_render.hpp"
#include "ctl/render.hpp"
#include "model/record_json.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/mirror_reader.hpp"
#include "store/mirror_writer.hpp"
#include "store/sql_query.hpp"
#include "support/process.hpp"

using namespace roomsd;
namespace json = boost::json;

namespace {

// The rooms schema with one more field, as an upstream that grew one would need.
struct RoomsWithRegion {
    std::vector<model::FieldSpec> fields;
    model::RecordSchema schema;
    std::vector<const model::RecordSchema*> all;
    RoomsWithRegion() : schema(model::roomsSchema()) {
        fields.assign(schema.fields.begin(), schema.fields.end());
        fields.push_back({.name = "region", .type = model::FieldType::String});
        schema.fields = fields;
        all = {&schema, &model::sessionsSchema(), &model::participantsSchema()};
    }
};

model::MirrorRecord room(const model::RecordSchema& schema, const std::string& id, const std::string& region) {
    json::value upstream = json::parse(R"({"id":")" + id + R"(","unique_name":"n-)" + id +
                                       R"(","max_participants":10,"enable_recording":false,)"
                                       R"("webhook_event_url":null,"webhook_event_failover_url":"",)"
                                       R"("webhook_timeout_secs":null,"active_session_id":null,)"
                                       R"("created_at":"2026-05-01T10:00:00.000000Z",)"
                                       R"("updated_at":"2026-05-01T10:00:00.000000Z","record_type":"room",)"
                                       R"("region":")" +
                                       region + R"(","sessions":[]})");
    std::vector<std::string> rejected;
    auto record = model::recordFromJson(schema, upstream, rejected);
    REQUIRE(record);
    return std::move(*record);
}

std::vector<store::Migration> withRegionMigration() {
    auto embedded = store::embeddedMigrations();
    std::vector<store::Migration> all(embedded.begin(), embedded.end());
    all.push_back(
        {.version = 9999, .name = "9999_rooms_region.sql", .sql = "ALTER TABLE rooms ADD COLUMN region TEXT;"});
    return all;
}

std::string scalar(SQLite::Database& db, const std::string& sql) {
    SQLite::Statement q(db, sql);
    REQUIRE(q.executeStep());
    return q.getColumn(0).isNull() ? "NULL" : q.getColumn(0).getString();
}

} // namespace

TEST_CASE("a field added to one RecordSchema and its migration reaches the table, /v2, /sql and roomsctl") {
    test::TempDir dir;
    RoomsWithRegion grown;
    Timestamp now = *parseTimestamp("2026-06-01T00:00:00Z");
    {
        // A mirror from before the field: the room's upstream JSON already holds it.
        auto db = store::openWriter(dir / "mirror.db");
        store::MirrorWriter writer(db);
        auto old = room(model::roomsSchema(), "r-old", "eu-west");
        REQUIRE(writer.upsertPage(std::span(&old, 1), now));
    }
    auto db = store::openWriter(dir / "mirror.db");
    store::migrate(db, withRegionMigration(), grown.all);

    SECTION("the table: the new column exists and old rows are filled from their upstream JSON") {
        CHECK(scalar(db, "SELECT region FROM rooms WHERE id = 'r-old'") == "eu-west");
        store::MirrorWriter writer(db, grown.all);
        auto fresh = room(grown.schema, "r-new", "us-east");
        REQUIRE(writer.upsertPage(std::span(&fresh, 1), now));
        CHECK(scalar(db, "SELECT region FROM rooms WHERE id = 'r-new'") == "us-east");
    }

    SECTION("/v2, /sql and roomsctl show it") {
        auto reader = store::openReader(dir / "mirror.db");
        store::ListRequest request;
        request.schema = &grown.schema;
        auto page = store::MirrorReader(reader).list(request);
        REQUIRE(page);
        auto body = api::renderListBody(grown.schema, *page, 1, 20);
        REQUIRE(body);
        json::value v2 = json::parse(*body);
        CHECK(v2.at("data").at(0).at("region") == "eu-west");

        store::SqlRunner runner(reader, {});
        api::JsonAnswer sink;
        auto answered = runner.run("SELECT region FROM rooms WHERE id = 'r-old'", {}, sink, {});
        REQUIRE(answered);
        CHECK(json::parse(sink.finish()).at("rows").at(0).at(0) == "eu-west");

        ctl::TableOptions wide; // a new field is not among the default columns until it is marked so
        wide.wide = true;
        std::string table = ctl::recordsTable(grown.schema, v2.at("data").as_array(), false, wide);
        std::string header = table.substr(0, table.find('\n'));
        CHECK(header.find("region") != std::string::npos);
        CHECK(table.find("eu-west") != std::string::npos);
    }
}
