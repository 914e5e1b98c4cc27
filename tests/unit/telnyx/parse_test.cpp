// Response parsing: the spec's example bodies, nulls, unknown fields, wrong types, truncated JSON.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "support/spec.hpp"
#include "telnyx/parse.hpp"

namespace json = boost::json;
using namespace roomsd;
using namespace roomsd::telnyx;
using model::FieldValue;

namespace {

std::string listBody(const json::array& data,
                     const json::value& meta = json::object{
                         {"page_number", 1}, {"page_size", 20}, {"total_pages", 1}, {"total_results", 1}}) {
    return json::serialize(json::object{{"data", data}, {"meta", meta}});
}

template <class T>
T valueOf(const model::MirrorRecord& r, std::string_view field) {
    const FieldValue& v = r.value(field);
    REQUIRE(std::holds_alternative<T>(v));
    return std::get<T>(v);
}

bool isNull(const model::MirrorRecord& r, std::string_view field) {
    return std::holds_alternative<std::monostate>(r.value(field));
}

} // namespace

TEST_CASE("the spec's Room example parses with its embedded session") {
    json::value example = test::specExample("Room");
    auto page = parseListPage(model::roomsSchema(), listBody(json::array{example}));
    REQUIRE(page);
    REQUIRE(page->records.size() == 1);
    CHECK(page->rejected.empty());
    const auto& room = page->records[0];
    CHECK(room.id == "7b61621f-62e0-4aad-ab11-9fd19e272e73");
    CHECK(valueOf<std::string>(room, "unique_name") == "My Room");
    CHECK(valueOf<std::int64_t>(room, "max_participants") == 50);
    CHECK(valueOf<bool>(room, "enable_recording") == true);
    CHECK(valueOf<std::int64_t>(room, "webhook_timeout_secs") == 25);
    CHECK(valueOf<std::string>(room, "webhook_event_failover_url") == "https://failover.example.com");
    CHECK(valueOf<std::string>(room, "active_session_id") == "7b61621f-62e0-4aad-ab11-9fd19e272e74");
    CHECK(valueOf<std::string>(room, "created_at") == "2021-04-16T09:46:20.954863Z");
    CHECK(valueOf<std::string>(room, "record_type") == "room");
    REQUIRE(room.updatedAt);
    CHECK(formatTimestamp(*room.updatedAt) == "2021-04-16T10:24:55.962200Z");
    CHECK(room.problems.empty());
    // The nested array is stored in its own table, not in the room's JSON.
    CHECK(room.upstreamJson.find("\"sessions\"") == std::string::npos);
    CHECK(room.upstreamJson.find("\"unique_name\":\"My Room\"") != std::string::npos);
    REQUIRE(room.children.size() == 1);
    const auto& session = room.children[0];
    CHECK(session.schema == &model::sessionsSchema());
    CHECK(session.id == "7b61621f-62e0-4aad-ab11-9fd19e272e74");
    CHECK(valueOf<bool>(session, "active") == true);
    CHECK(isNull(session, "ended_at"));
    CHECK(valueOf<std::string>(session, "room_id") == room.id);
}

TEST_CASE("the spec's RoomSession and RoomParticipant examples parse") {
    auto sessions = parseListPage(model::sessionsSchema(), listBody(json::array{test::specExample("RoomSession")}));
    REQUIRE(sessions);
    REQUIRE(sessions->records.size() == 1);
    const auto& s = sessions->records[0];
    CHECK(valueOf<bool>(s, "active") == false);
    CHECK(valueOf<std::string>(s, "ended_at") == "2021-04-16T10:24:55.962200Z");
    CHECK(valueOf<std::string>(s, "room_id") == "7b61621f-5fe4-4aad-ab11-9fd19e272e73");
    CHECK(s.children.empty());

    auto participants =
        parseListPage(model::participantsSchema(), listBody(json::array{test::specExample("RoomParticipant")}));
    REQUIRE(participants);
    REQUIRE(participants->records.size() == 1);
    const auto& p = participants->records[0];
    CHECK(valueOf<std::string>(p, "context") == "Alice");
    CHECK(valueOf<std::string>(p, "session_id") == "7b61621f-5fe4-4aad-ab11-9fd19e272e73");
    CHECK(valueOf<std::string>(p, "joined_at") == "2021-04-16T09:46:20.954863Z");
    CHECK(valueOf<std::string>(p, "left_at") == "2021-04-16T10:24:55.962200Z");
}

TEST_CASE("a by-id body of the spec's example parses") {
    auto room =
        parseRecordBody(model::roomsSchema(), json::serialize(json::object{{"data", test::specExample("Room")}}));
    REQUIRE(room);
    CHECK(room->id == "7b61621f-62e0-4aad-ab11-9fd19e272e73");
}

TEST_CASE("pagination meta is read when present and integers") {
    auto page = parseListPage(
        model::roomsSchema(),
        listBody(json::array{},
                 json::object{{"page_number", 2}, {"page_size", 25}, {"total_pages", 3}, {"total_results", 55}}));
    REQUIRE(page);
    REQUIRE(page->meta);
    CHECK(page->meta->pageNumber == 2);
    CHECK(page->meta->pageSize == 25);
    CHECK(page->meta->totalPages == 3);
    CHECK(page->meta->totalResults == 55);

    auto noMeta = parseListPage(model::roomsSchema(), R"({"data": []})");
    REQUIRE(noMeta);
    CHECK_FALSE(noMeta->meta);

    auto badMeta = parseListPage(model::roomsSchema(), R"({"data": [], "meta": {"total_pages": "3"}})");
    REQUIRE(badMeta);
    REQUIRE(badMeta->meta);
    CHECK_FALSE(badMeta->meta->totalPages);
}

TEST_CASE("null fields are NULL columns, not problems") {
    auto page = parseListPage(model::sessionsSchema(), listBody(json::array{json::object{
                                                           {"id", "s1"},
                                                           {"room_id", "r1"},
                                                           {"active", true},
                                                           {"ended_at", nullptr},
                                                           {"updated_at", nullptr},
                                                       }}));
    REQUIRE(page);
    const auto& s = page->records.at(0);
    CHECK(isNull(s, "ended_at"));
    CHECK(isNull(s, "created_at")); // absent
    CHECK_FALSE(s.updatedAt);
    CHECK(s.problems.empty());
}

TEST_CASE("unknown fields are kept in the upstream JSON") {
    auto page = parseListPage(model::roomsSchema(),
                              listBody(json::array{json::object{
                                  {"id", "r1"}, {"unique_name", "x"}, {"future_field", json::object{{"nested", 1}}}}}));
    REQUIRE(page);
    const auto& r = page->records.at(0);
    CHECK(r.upstreamJson.find("\"future_field\":{\"nested\":1}") != std::string::npos);
    CHECK(r.problems.empty());
}

TEST_CASE("a number beyond a double's range leaves the upstream JSON valid JSON") {
    // Boost.JSON reads 1e400 as infinity and would write it back as Infinity, which is not
    // JSON: every /v2 read and json_extract() of the record would then fail.
    auto page = parseListPage(model::roomsSchema(), R"({"data":[{"id":"r1","max_participants":1e400,
        "future_field":{"low":-1e999,"list":[1e400]},"sessions":[{"id":"s1","extra":1e400}]}]})");
    REQUIRE(page);
    REQUIRE(page->records.size() == 1);
    const auto& r = page->records[0];
    CHECK(isNull(r, "max_participants"));
    CHECK(r.problems.size() == 1);
    for (const std::string& text : {r.upstreamJson, r.children.at(0).upstreamJson}) {
        INFO(text);
        json::error_code ec;
        json::parse(text, ec);
        CHECK_FALSE(ec);
    }
    CHECK(r.upstreamJson.find("\"future_field\":{\"list\":[null],\"low\":null}") != std::string::npos);
    CHECK(r.upstreamJson.find("\"max_participants\":null") != std::string::npos);
}

TEST_CASE("the upstream JSON does not depend on the order of keys") {
    auto a = parseListPage(model::roomsSchema(), R"({"data":[{"id":"r1","unique_name":"x","max_participants":5}]})");
    auto b = parseListPage(model::roomsSchema(), R"({"data":[{"max_participants":5,"unique_name":"x","id":"r1"}]})");
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->records.at(0).upstreamJson == b->records.at(0).upstreamJson);
}

TEST_CASE("fields of the wrong type stay out of their column and are reported") {
    auto page = parseListPage(model::roomsSchema(), R"({"data":[{"id":"r1","max_participants":"fifty",
        "enable_recording":1,"webhook_timeout_secs":2.5,"unique_name":42,"created_at":"last tuesday",
        "updated_at":17,"sessions":"none"}]})");
    REQUIRE(page);
    REQUIRE(page->records.size() == 1);
    const auto& r = page->records[0];
    for (const char* field :
         {"max_participants", "enable_recording", "webhook_timeout_secs", "unique_name", "created_at", "updated_at"}) {
        INFO(field);
        CHECK(isNull(r, field));
    }
    CHECK(r.problems.size() == 7);
    CHECK_FALSE(r.updatedAt);
    // The upstream value is not lost.
    CHECK(r.upstreamJson.find("\"max_participants\":\"fifty\"") != std::string::npos);
}

TEST_CASE("elements without a usable id are rejected, the rest of the page is kept") {
    auto page = parseListPage(model::participantsSchema(),
                              R"({"data":[{"id":"p1"},{"context":"no id"},{"id":7},"a string",{"id":""},
                                  {"id":"bad\nid"},{"id":"p2","record_type":"room"}, {"id":"p3"}]})");
    REQUIRE(page);
    REQUIRE(page->records.size() == 2);
    CHECK(page->elementCount == 8);
    CHECK(page->records[0].id == "p1");
    CHECK(page->records[1].id == "p3");
    CHECK(page->rejected.size() == 6);
}

TEST_CASE("embedded records that cannot be used are rejected with their parent named") {
    auto page =
        parseListPage(model::roomsSchema(), R"({"data":[{"id":"r1","sessions":[{"id":"s1"},{"room_id":"r1"}]}]})");
    REQUIRE(page);
    REQUIRE(page->records.at(0).children.size() == 1);
    CHECK(valueOf<std::string>(page->records[0].children[0], "room_id") == "r1");
    REQUIRE(page->rejected.size() == 1);
    CHECK(page->rejected[0].find("in room r1") != std::string::npos);
}

TEST_CASE("bodies that are not the expected JSON are errors, never crashes") {
    const auto& schema = model::roomsSchema();
    std::string full = listBody(json::array{test::specExample("Room")});
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, full.size() / 2, full.size() - 1}) {
        INFO("truncated at " << cut);
        auto page = parseListPage(schema, full.substr(0, cut));
        REQUIRE_FALSE(page);
        CHECK(page.error().kind == ErrorKind::Protocol);
    }
    for (const char* body : {"[]", "null", "42", "\"data\"", "{}", R"({"data":{}})", R"({"data":null})",
                             "<html>502 Bad Gateway</html>", "{\"data\":["}) {
        INFO(body);
        auto page = parseListPage(schema, body);
        REQUIRE_FALSE(page);
        CHECK(page.error().kind == ErrorKind::Protocol);
    }
    std::string deep(10000, '[');
    CHECK_FALSE(parseListPage(schema, deep));
    CHECK_FALSE(parseRecordBody(schema, R"({"data": 5})"));
    CHECK_FALSE(parseRecordBody(schema, R"({"nodata": {}})"));
}

TEST_CASE("error bodies of every shape in the spec are described") {
    CHECK(
        describeErrorBody(
            R"({"errors":[{"code":"10015","title":"Invalid parameter","detail":"page[size] must be at most 250","source":{"parameter":"page[size]"}}]})") ==
        "code 10015 Invalid parameter: page[size] must be at most 250 (parameter page[size])");
    CHECK(describeErrorBody(R"({"code":"10005","title":"Resource not found","detail":"Room not found"})") ==
          "code 10005 Resource not found: Room not found");
    CHECK(describeErrorBody(R"({"message":"Error","success":false})") == "Error");
    CHECK(describeErrorBody("") == "(empty body)");
    CHECK(describeErrorBody("upstream exploded\n") == "\"upstream exploded\"");
    CHECK(describeErrorBody(R"({"errors":[{"title":"forged\nINFO line"}]})") == "forged\\x0AINFO line");
    CHECK(describeErrorBody(R"({"errors":[{"code":"1"},{"code":"2"},{"code":"3"},{"code":"4"}]})") ==
          "code 1; code 2; code 3; ...");
}
