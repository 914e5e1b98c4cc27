// MirrorReader against a real database file: order, filters, paging, children,
// deleted records and freshness.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include "store/database.hpp"
#include "store/mirror_reader.hpp"
#include "support/process.hpp"

using namespace roomsd;
namespace json = boost::json;

namespace {

struct Mirror {
    test::TempDir dir;
    SQLite::Database writer = store::openWriter(dir / "mirror.db");

    void room(const std::string& id, const char* createdAt, const char* name = nullptr,
              const char* deletedAt = nullptr) {
        SQLite::Statement q(writer, "INSERT INTO rooms (id, unique_name, created_at, updated_at, record_type,"
                                    " upstream_json, synced_at, deleted_at) VALUES (?, ?, ?, ?, 'room', ?, 'x', ?)");
        q.bind(1, id);
        name ? q.bind(2, name) : q.bind(2);
        createdAt ? q.bind(3, createdAt) : q.bind(3);
        createdAt ? q.bind(4, createdAt) : q.bind(4);
        q.bind(5, json::serialize(json::object{
                      {"id", id}, {"record_type", "room"}, {"unique_name", name ? json::value(name) : nullptr}}));
        deletedAt ? q.bind(6, deletedAt) : q.bind(6);
        q.exec();
    }
    void session(const std::string& id, const std::string& roomId, const char* createdAt, bool active,
                 const char* deletedAt = nullptr) {
        SQLite::Statement q(writer, "INSERT INTO room_sessions (id, room_id, active, created_at, record_type,"
                                    " upstream_json, synced_at, deleted_at) VALUES (?, ?, ?, ?, 'room_session', ?,"
                                    " 'x', ?)");
        q.bind(1, id);
        q.bind(2, roomId);
        q.bind(3, active ? 1 : 0);
        q.bind(4, createdAt);
        q.bind(5, json::serialize(json::object{{"id", id}, {"room_id", roomId}, {"record_type", "room_session"}}));
        deletedAt ? q.bind(6, deletedAt) : q.bind(6);
        q.exec();
    }
    void synced(const std::string& stream, const char* at) {
        SQLite::Statement q(writer, "INSERT OR REPLACE INTO sync_state (stream, last_success_at) VALUES (?, ?)");
        q.bind(1, stream);
        q.bind(2, at);
        q.exec();
    }
};

std::vector<std::string> ids(const store::RecordPage& page) {
    std::vector<std::string> out;
    for (const auto& r : page.records) out.emplace_back(json::parse(r.upstreamJson).at("id").as_string());
    return out;
}

// Rooms b and a created at the same time, c with no created_at, d the newest.
void tiedAndUndatedRooms(Mirror& m) {
    m.room("b", "2024-05-02T10:00:00.000000Z");
    m.room("a", "2024-05-02T10:00:00.000000Z");
    m.room("c", nullptr);
    m.room("d", "2024-05-03T00:00:00.000000Z");
}

store::ListRequest roomsRequest() {
    store::ListRequest request;
    request.schema = &model::roomsSchema();
    request.pageSize = 20;
    return request;
}

} // namespace

TEST_CASE("lists come newest first, nulls last, ties by id, deleted records left out") {
    Mirror m;
    tiedAndUndatedRooms(m);
    m.room("gone", "2024-05-04T00:00:00.000000Z", nullptr, "2024-05-05T00:00:00Z");
    auto reader = store::openReader(m.dir / "mirror.db");
    auto page = store::MirrorReader(reader).list(roomsRequest());
    REQUIRE(page);
    CHECK(ids(*page) == std::vector<std::string>{"d", "a", "b", "c"});
    CHECK(page->totalResults == 4);
    auto gone = store::MirrorReader(reader).get(model::roomsSchema(), "gone", false);
    REQUIRE(gone);
    CHECK_FALSE(gone->record);
    auto found = store::MirrorReader(reader).get(model::roomsSchema(), "a", false);
    REQUIRE(found);
    CHECK(found->record);
}

TEST_CASE("pages slice the ordered list, and a page past the end is empty") {
    Mirror m;
    for (int i = 0; i < 7; ++i)
        m.room("r" + std::to_string(i), ("2024-05-0" + std::to_string(i + 1) + "T00:00:00Z").c_str());
    auto reader = store::openReader(m.dir / "mirror.db");
    store::MirrorReader mirror(reader);
    auto request = roomsRequest();
    request.pageSize = 3;
    request.pageNumber = 3;
    auto last = mirror.list(request);
    REQUIRE(last);
    CHECK(ids(*last) == std::vector<std::string>{"r0"});
    CHECK(last->totalResults == 7);
    request.pageNumber = INT64_MAX;
    auto past = mirror.list(request);
    REQUIRE(past);
    CHECK(past->records.empty());
    CHECK(past->totalResults == 7);
}

TEST_CASE("pages keep the documented order whether or not the table has deleted rows") {
    Mirror m;
    tiedAndUndatedRooms(m);
    m.room("e", "2024-05-01T00:00:00.000000Z");
    auto reader = store::openReader(m.dir / "mirror.db");
    store::MirrorReader mirror(reader);
    auto request = roomsRequest();
    request.pageSize = 3;
    auto pages = [&] {
        std::vector<std::vector<std::string>> out;
        for (request.pageNumber = 1; request.pageNumber <= 2; ++request.pageNumber)
            out.push_back(ids(*mirror.list(request)));
        return out;
    };
    using Pages = std::vector<std::vector<std::string>>;
    CHECK(pages() == Pages{{"d", "a", "b"}, {"e", "c"}}); // none deleted
    CHECK(mirror.list(request)->totalResults == 5);
    m.writer.exec("UPDATE rooms SET deleted_at = '2024-05-04T00:00:00Z' WHERE id = 'd'");
    CHECK(pages() == Pages{{"a", "b", "e"}, {"c"}}); // one deleted
    CHECK(mirror.list(request)->totalResults == 4);
}

TEST_CASE("a reader kept between reads holds no snapshot: it sees every write and lets the WAL be checkpointed") {
    Mirror m;
    m.room("r1", "2024-05-01T00:00:00Z");
    m.session("s1", "r1", "2024-05-01T01:00:00Z", false);
    m.synced("rooms", "2024-05-01T10:00:00.000000Z");
    auto reader = store::openReader(m.dir / "mirror.db");
    store::MirrorReader mirror(reader);
    auto rooms = roomsRequest();
    rooms.includeChildren = true;
    for (int round = 0; round < 3; ++round) {
        m.room("new" + std::to_string(round), "2024-06-01T00:00:00Z");
        REQUIRE(mirror.list(rooms)->records.size() == static_cast<std::size_t>(round + 2));
        REQUIRE(mirror.get(model::roomsSchema(), "new" + std::to_string(round), true)->record);
        // TRUNCATE waits for no reader: a statement of the reader left stepped would make it busy.
        SQLite::Statement checkpoint(m.writer, "PRAGMA wal_checkpoint(TRUNCATE)");
        REQUIRE(checkpoint.executeStep());
        CHECK(checkpoint.getColumn(0).getInt() == 0);
    }
}

TEST_CASE("date filters compare the UTC date, and exact filters never match NULL") {
    Mirror m;
    m.room("early", "2024-04-30T23:59:59.999999Z", "x");
    m.room("mid", "2024-05-01T00:00:00.000000Z", "y");
    m.room("late", "2024-05-01T23:59:59.999999Z");
    m.room("next", "2024-05-02T00:00:00.000000Z", "x");
    auto reader = store::openReader(m.dir / "mirror.db");
    store::MirrorReader mirror(reader);
    auto request = roomsRequest();
    request.dates.push_back({"created_at", parseDate("2024-05-01"), {}, {}});
    CHECK(ids(*mirror.list(request)) == std::vector<std::string>{"late", "mid"});
    request.dates = {{"created_at", {}, parseDate("2024-05-01"), {}}};
    CHECK(ids(*mirror.list(request)) == std::vector<std::string>{"next", "late", "mid"});
    request.dates = {{"created_at", {}, {}, parseDate("2024-05-01")}};
    CHECK(ids(*mirror.list(request)) == std::vector<std::string>{"late", "mid", "early"});
    request.dates.clear();
    request.matches.push_back({"unique_name", std::string("x")});
    CHECK(ids(*mirror.list(request)) == std::vector<std::string>{"next", "early"});
}

TEST_CASE("children are embedded in order, without deleted ones, and a nested list filters by parent") {
    Mirror m;
    m.room("r1", "2024-05-01T00:00:00Z");
    m.room("r2", "2024-05-02T00:00:00Z");
    m.session("s1", "r1", "2024-05-01T01:00:00Z", false);
    m.session("s2", "r1", "2024-05-01T02:00:00Z", true);
    m.session("s3", "r1", "2024-05-01T03:00:00Z", true, "2024-05-03T00:00:00Z");
    m.session("s4", "r2", "2024-05-02T01:00:00Z", false);
    auto reader = store::openReader(m.dir / "mirror.db");
    store::MirrorReader mirror(reader);
    auto rooms = roomsRequest();
    rooms.includeChildren = true;
    auto page = mirror.list(rooms);
    REQUIRE(page);
    REQUIRE(page->records.size() == 2);
    REQUIRE(page->records[1].children.size() == 2);
    CHECK(json::parse(page->records[1].children[0].upstreamJson).at("id") == "s2");
    store::ListRequest sessions;
    sessions.schema = &model::sessionsSchema();
    sessions.parentId = "r1";
    sessions.matches.push_back({"active", true});
    auto nested = mirror.list(sessions);
    REQUIRE(nested);
    CHECK(ids(*nested) == std::vector<std::string>{"s2"});
    sessions.parentId = "no-such-room";
    CHECK(mirror.list(sessions)->totalResults == 0);
}

namespace {
std::optional<std::string> text(const std::optional<Timestamp>& t) {
    if (!t) return std::nullopt;
    return formatTimestamp(*t);
}
} // namespace

TEST_CASE("freshness is the earliest completed pass of the streams read, or never") {
    Mirror m;
    auto reader = store::openReader(m.dir / "mirror.db");
    store::MirrorReader mirror(reader);
    CHECK_FALSE(mirror.list(roomsRequest())->syncedAt);
    m.synced("rooms", "2024-05-01T10:00:00.000000Z");
    CHECK(text(mirror.list(roomsRequest())->syncedAt) == std::optional<std::string>("2024-05-01T10:00:00.000000Z"));
    auto withSessions = roomsRequest();
    withSessions.includeChildren = true;
    CHECK_FALSE(mirror.list(withSessions)->syncedAt); // sessions never synced
    m.synced("sessions", "2024-05-01T09:00:00.000000Z");
    CHECK(text(mirror.list(withSessions)->syncedAt) == std::optional<std::string>("2024-05-01T09:00:00.000000Z"));
    m.synced("participants", "2024-05-01T11:00:00.000000Z");
    auto overview = mirror.overview();
    REQUIRE(overview);
    CHECK(text(overview->syncedAt) == std::optional<std::string>("2024-05-01T09:00:00.000000Z"));
    CHECK(overview->schemaVersion >= 2);
    CHECK(overview->streams.size() == 3);
}
