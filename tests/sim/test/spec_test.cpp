// The simulator's reading of the spec file: what it takes from it, that a changed spec
// changes what it serves, and that a spec it cannot understand is refused by name.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "api.hpp"
#include "query.hpp"
#include "spec_fixture.hpp"
#include "support/process.hpp"

using namespace roomsd;
using namespace roomsd::sim;
using namespace roomsd::sim::testing;
namespace json = boost::json;

namespace {

// The fixture spec with `from` replaced by `to` (which must occur), written to `dir`.
std::string editedSpec(const test::TempDir& dir, const std::string& from, const std::string& to) {
    std::string text = test::readFile(defaultSpecPath());
    std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    std::string path = (dir / "spec.yaml").string();
    test::writeFile(path, text);
    return path;
}

std::string refusal(const std::string& path) {
    auto loaded = ApiSpec::load(path);
    REQUIRE_FALSE(loaded.ok());
    return loaded.error().message;
}

} // namespace

TEST_CASE("the spec gives the base path, the eight GET operations and their parameters") {
    const ApiSpec& spec = *testSpec();
    CHECK(spec.basePath() == "/v2");
    CHECK(spec.operations().size() == 8);
    const QueryParameter* size = op("ListRooms").parameter("page[size]");
    REQUIRE(size != nullptr);
    CHECK(size->role == ParameterRole::PageSize);
    CHECK(size->minimum == 1);
    CHECK(size->maximum == 250);
    CHECK(size->fallback == 20);
    const QueryParameter* ended = op("ListRoomSessions").parameter("filter[date_ended_at][gte]");
    REQUIRE(ended != nullptr);
    CHECK(ended->role == ParameterRole::DateFilter);
    CHECK(ended->field == "ended_at");
    CHECK(op("RetrieveListRoomSessions").parentField == "room_id");
    CHECK(op("RetrieveListRoomParticipants").parentField == "session_id");
    CHECK(op("ViewRoom").parameter("include_sessions")->role == ParameterRole::IncludeChildren);
    CHECK(op("ViewRoomParticipant").parameters.empty());
    CHECK(spec.errorListKey() == "errors");
}

TEST_CASE("the record schemas come from the spec: fields, bounds, defaults, nested arrays") {
    const StreamSchema& rooms = schemaOf(Stream::Rooms);
    CHECK(rooms.recordType == "room");
    CHECK(rooms.childKey == "sessions");
    const FieldSpec* timeout = findField(rooms, "webhook_timeout_secs");
    REQUIRE(timeout != nullptr);
    CHECK(timeout->type == FieldType::Integer);
    CHECK(timeout->minimum == 0);
    CHECK(timeout->maximum == 30);
    CHECK(findField(rooms, "enable_recording")->fallback == FieldDefault::False);
    CHECK(findField(rooms, "webhook_event_failover_url")->fallback == FieldDefault::EmptyString);
    CHECK(findField(rooms, "created_at")->type == FieldType::Timestamp);
    CHECK(findField(schemaOf(Stream::Sessions), "active")->fallback == FieldDefault::False); // the sim's: no default
    CHECK(schemaOf(Stream::Sessions).parentField == "room_id");
    CHECK(schemaOf(Stream::Participants).parentField == "session_id");
    CHECK(schemaOf(Stream::Participants).childKey.empty());
}

TEST_CASE("a changed spec changes what the simulator accepts") {
    test::TempDir dir;
    auto loaded = ApiSpec::load(editedSpec(dir, "maximum: 250", "maximum: 100"));
    REQUIRE(loaded.ok());
    const Operation& list = *(*loaded)->operation("ListRooms");
    CHECK(std::holds_alternative<InvalidParameter>(parseQuery(**loaded, list, "page[size]=101")));
    CHECK(std::get<ListQuery>(parseQuery(**loaded, list, "page[size]=100")).pageSize == 100);

    auto enumerated = ApiSpec::load(editedSpec(dir, "              example: Alice\n              type: string\n",
                                               "              example: Alice\n              type: string\n"
                                               "              enum: [Alice, Bob]\n"));
    REQUIRE(enumerated.ok());
    const Operation& participants = *(*enumerated)->operation("ListRoomParticipants");
    CHECK(std::holds_alternative<ListQuery>(parseQuery(**enumerated, participants, "filter[context]=Bob")));
    auto carol = parseQuery(**enumerated, participants, "filter[context]=Carol");
    REQUIRE(std::holds_alternative<InvalidParameter>(carol));
    CHECK(std::get<InvalidParameter>(carol).parameter == "filter[context]");
    CHECK(std::get<InvalidParameter>(carol).detail == "filter[context] must be one of Alice, Bob");

    auto narrower = ApiSpec::load(editedSpec(dir, "          maximum: 30\n          minimum: 0\n",
                                             "          maximum: 10\n          minimum: 5\n"));
    REQUIRE(narrower.ok());
    const FieldSpec* timeout = findField((*narrower)->schema(Stream::Rooms), "webhook_timeout_secs");
    CHECK(timeout->minimum == 5);
    CHECK(timeout->maximum == 10);
}

TEST_CASE("a spec the simulator cannot understand is refused, naming what it could not read") {
    test::TempDir dir;
    CHECK(refusal((dir / "absent.yaml").string()).find("absent.yaml") != std::string::npos);
    CHECK(refusal(editedSpec(dir, "  /rooms:\n", "  /roomz:\n")).find("GET /rooms") != std::string::npos);
    std::string style = refusal(editedSpec(dir, "style: deepObject", "style: pipeDelimited"));
    CHECK(style.find("pipeDelimited") != std::string::npos);
    CHECK(style.find("GET /room_participants") != std::string::npos);
    CHECK(refusal(editedSpec(dir, "name: include_sessions", "name: include_everything")).find("include_everything") !=
          std::string::npos);
    CHECK(refusal(editedSpec(dir, "        in: query\n        name: include_participants",
                             "        in: header\n        name: include_participants"))
              .find("header") != std::string::npos);
    CHECK(refusal(editedSpec(dir, "          example: 50\n          type: integer",
                             "          example: 50\n          type: number"))
              .find("max_participants") != std::string::npos);
    CHECK(refusal(editedSpec(dir, "            parameter:\n              description: Indicates",
                             "            param:\n              description: Indicates"))
              .find("video_Error") != std::string::npos);
}
