// What roomsctl asks the daemon for a set of flags, and what it refuses before connecting.
#include <catch2/catch.hpp>

#include <set>

#include <boost/json.hpp>

#include "ctl/request.hpp"
#include "support/spec.hpp"

using namespace roomsd;
using namespace roomsd::ctl;
namespace json = boost::json;

namespace {

ListQuery parsed(const model::RecordSchema& schema, const ListFlags& flags) {
    auto query = parseListFlags(schema, flags);
    INFO((query ? "" : query.error().message));
    REQUIRE(query.ok());
    return *query;
}

std::string usageMessage(const model::RecordSchema& schema, const ListFlags& flags) {
    auto query = parseListFlags(schema, flags);
    REQUIRE_FALSE(query.ok());
    CHECK(query.error().kind == ErrorKind::Usage);
    return query.error().message;
}

std::string targetFor(const model::RecordSchema& schema, const ListFlags& flags) {
    return listRequest(schema, parsed(schema, flags)).target;
}

} // namespace

TEST_CASE("a list without flags asks for the daemon's default page") {
    HttpRequest request = listRequest(model::roomsSchema(), parsed(model::roomsSchema(), {}));
    CHECK(request.method == "GET");
    CHECK(request.target == "/v2/rooms");
    CHECK(request.accept == "application/json");
    CHECK(request.body.empty());
    CHECK(targetFor(model::sessionsSchema(), {}) == "/v2/room_sessions");
    CHECK(targetFor(model::participantsSchema(), {}) == "/v2/room_participants");
}

TEST_CASE("room flags become the spec's filter parameters with names and values percent-encoded") {
    ListFlags flags;
    flags.filters = {{"--unique-name", "My Room&x=1"},
                     {"--created-since", "2026-05-01"},
                     {"--created-until", "2026-05-31"},
                     {"--updated-on", "2026-05-20"}};
    flags.includeChildren = true;
    flags.page = "2";
    flags.pageSize = "50";
    CHECK(targetFor(model::roomsSchema(), flags) ==
          "/v2/rooms?filter%5Bunique_name%5D=My%20Room%26x%3D1"
          "&filter%5Bdate_created_at%5D%5Bgte%5D=2026-05-01&filter%5Bdate_created_at%5D%5Blte%5D=2026-05-31"
          "&filter%5Bdate_updated_at%5D%5Beq%5D=2026-05-20&include_sessions=true&page%5Bnumber%5D=2"
          "&page%5Bsize%5D=50");
    ListFlags on;
    on.filters = {{"--created-on", "2026-05-03"}, {"--updated-since", "2026-05-04"}, {"--updated-until", "2026-05-05"}};
    CHECK(targetFor(model::roomsSchema(), on) ==
          "/v2/rooms?filter%5Bdate_created_at%5D%5Beq%5D=2026-05-03&filter%5Bdate_updated_at%5D%5Bgte%5D=2026-05-04"
          "&filter%5Bdate_updated_at%5D%5Blte%5D=2026-05-05");
}

TEST_CASE("session flags: room and active and the created and updated and ended dates") {
    ListFlags flags;
    flags.filters = {{"--room-id", "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"},
                     {"--active", "false"},
                     {"--ended-on", "2026-05-02"},
                     {"--ended-since", "2026-05-01"},
                     {"--ended-until", "2026-05-03"},
                     {"--created-on", "2026-04-30"}};
    flags.includeChildren = true;
    CHECK(targetFor(model::sessionsSchema(), flags) ==
          "/v2/room_sessions?filter%5Broom_id%5D=0ccc7b54-4df3-4bca-a65a-3da1ecc777f0&filter%5Bactive%5D=false"
          "&filter%5Bdate_created_at%5D%5Beq%5D=2026-04-30&filter%5Bdate_ended_at%5D%5Beq%5D=2026-05-02"
          "&filter%5Bdate_ended_at%5D%5Bgte%5D=2026-05-01&filter%5Bdate_ended_at%5D%5Blte%5D=2026-05-03"
          "&include_participants=true");
}

TEST_CASE("participant flags: session and context and the joined and updated and left dates") {
    ListFlags flags;
    flags.filters = {{"--session-id", "s-1"},
                     {"--context", "Dr. \"Q\" O'Neil"},
                     {"--joined-since", "2026-05-01"},
                     {"--left-until", "2026-05-09"},
                     {"--updated-until", "2026-05-10"}};
    flags.pageSize = "250";
    CHECK(targetFor(model::participantsSchema(), flags) ==
          "/v2/room_participants?filter%5Bsession_id%5D=s-1&filter%5Bcontext%5D=Dr.%20%22Q%22%20O%27Neil"
          "&filter%5Bdate_joined_at%5D%5Bgte%5D=2026-05-01&filter%5Bdate_updated_at%5D%5Blte%5D=2026-05-10"
          "&filter%5Bdate_left_at%5D%5Blte%5D=2026-05-09&page%5Bsize%5D=250");
    ListFlags unicode;
    unicode.filters = {{"--context", "\xE7\x94\xB0\xE4\xB8\xAD"}};
    CHECK(targetFor(model::participantsSchema(), unicode) ==
          "/v2/room_participants?filter%5Bcontext%5D=%E7%94%B0%E4%B8%AD");
}

TEST_CASE("every filter flag maps to a parameter the spec lists for its endpoint") {
    // The spec's own parameters of each list path, read from the spec document: the
    // filter deepObject's properties, a date_* one standing for its [eq], [gte] and [lte].
    auto specParameters = [](const std::string& path) {
        std::set<std::string> names;
        const auto& operation = test::specDocument().at("paths").at(path).at("get");
        for (const auto& p : operation.at("parameters").as_array()) {
            if (!p.as_object().contains("name") || p.at("name") != "filter") continue;
            for (const auto& [key, property] : p.at("schema").at("properties").as_object()) {
                std::string name(key);
                if (!name.starts_with("date_")) {
                    names.insert("filter[" + name + "]");
                    continue;
                }
                for (const auto& [op, v] : property.at("properties").as_object())
                    names.insert("filter[" + name + "][" + std::string(op) + "]");
            }
        }
        return names;
    };
    for (const model::RecordSchema* schema : model::allSchemas()) {
        std::set<std::string> listed = specParameters(std::string(schema->listPath));
        std::set<std::string> offered;
        for (const FilterFlag& filter : filterFlags(*schema)) {
            INFO(schema->name << " " << filter.flag);
            CHECK(listed.count(filter.param) == 1);
            offered.insert(filter.param);
        }
        // And every filter the spec lists for the path has a flag.
        CHECK(offered == listed);
    }
}

TEST_CASE("dates and booleans and page numbers are checked before any connection") {
    const auto& rooms = model::roomsSchema();
    const auto& sessions = model::sessionsSchema();
    for (std::string bad : {"2026-5-1", "2026-02-30", "yesterday", "2026-05-01T00:00:00Z", ""}) {
        INFO(bad);
        ListFlags flags;
        flags.filters = {{"--created-since", bad}};
        CHECK(usageMessage(rooms, flags).starts_with("--created-since: expected a date as YYYY-MM-DD"));
    }
    ListFlags active;
    active.filters = {{"--active", "yes"}};
    CHECK(usageMessage(sessions, active) == "--active: expected true or false, got \"yes\"");

    for (std::string bad : {"0", "-1", "two", "1.5", ""}) {
        INFO(bad);
        ListFlags flags;
        flags.page = bad;
        CHECK(usageMessage(rooms, flags).starts_with("--page: expected a whole number of at least 1"));
    }
    for (std::string bad : {"0", "251", "1000", "ten"}) {
        INFO(bad);
        ListFlags flags;
        flags.pageSize = bad;
        CHECK(usageMessage(rooms, flags).starts_with("--page-size: expected a whole number from 1 to 250"));
    }
    ListFlags both;
    both.all = true;
    both.page = "2";
    CHECK(usageMessage(rooms, both).find("--all") != std::string::npos);
    ListFlags childless;
    childless.includeChildren = true;
    CHECK_FALSE(parseListFlags(model::participantsSchema(), childless).ok());
    ListFlags foreign;
    foreign.filters = {{"--room-id", "r"}};
    CHECK(usageMessage(rooms, foreign) == "--room-id is not a filter of rooms");
}

TEST_CASE("all pages keep the filters and the page size and read from the first page") {
    ListFlags flags;
    flags.all = true;
    flags.pageSize = "10";
    flags.filters = {{"--active", "true"}};
    ListQuery query = parsed(model::sessionsSchema(), flags);
    CHECK(query.all);
    CHECK(query.pageSize == 10);
    CHECK_FALSE(query.pageNumber);
}

TEST_CASE("a record by id: its id escaped in the path and children on request") {
    auto room = recordRequest(model::roomsSchema(), "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0", false);
    REQUIRE(room.ok());
    CHECK(room->target == "/v2/rooms/0ccc7b54-4df3-4bca-a65a-3da1ecc777f0");
    auto session = recordRequest(model::sessionsSchema(), "s/1?x", true);
    REQUIRE(session.ok());
    CHECK(session->target == "/v2/room_sessions/s%2F1%3Fx?include_participants=true");
    auto participant = recordRequest(model::participantsSchema(), "p1", false);
    REQUIRE(participant.ok());
    CHECK(participant->target == "/v2/room_participants/p1");
    CHECK_FALSE(recordRequest(model::participantsSchema(), "p1", true).ok());
    CHECK(recordRequest(model::roomsSchema(), "", false).error().kind == ErrorKind::Usage);
}

TEST_CASE("sql parameters: integers and reals as numbers and null as null and the rest as text") {
    CHECK(sqlParamValue("42") == json::value(42));
    CHECK(sqlParamValue("-7") == json::value(-7));
    CHECK(sqlParamValue("2.5") == json::value(2.5));
    CHECK(sqlParamValue("1e3") == json::value(1000.0));
    CHECK(sqlParamValue("null").is_null());
    CHECK(sqlParamValue("NULL") == json::value("NULL"));
    CHECK(sqlParamValue("orchid") == json::value("orchid"));
    CHECK(sqlParamValue("") == json::value(""));
    CHECK(sqlParamValue(" 5") == json::value(" 5"));
    CHECK(sqlParamValue("0x10") == json::value("0x10"));
    CHECK(sqlParamValue("inf") == json::value("inf"));
    CHECK(sqlParamValue("nan") == json::value("nan"));
    CHECK(sqlParamValue("2026-05-01") == json::value("2026-05-01"));
    // Too large for 64 bits: kept exact, as text, rather than rounded to a real.
    CHECK(sqlParamValue("99999999999999999999") == json::value("99999999999999999999"));
}

TEST_CASE("a sql request: plain text without parameters and JSON with them and CSV on request") {
    auto plain = sqlRequest("SELECT count(*) FROM rooms", {});
    REQUIRE(plain.ok());
    CHECK(plain->method == "POST");
    CHECK(plain->target == "/sql");
    CHECK(plain->contentType == "text/plain; charset=utf-8");
    CHECK(plain->body == "SELECT count(*) FROM rooms");
    CHECK(plain->accept == "application/json");

    auto withParams = sqlRequest("SELECT ? , ?, ?, ?", {"1", "x", "null", "0.5"}, "text/csv");
    REQUIRE(withParams.ok());
    CHECK(withParams->contentType == "application/json");
    CHECK(withParams->accept == "text/csv");
    CHECK(json::parse(withParams->body) == json::parse(R"({"sql":"SELECT ? , ?, ?, ?","params":[1,"x",null,0.5]})"));

    CHECK(sqlRequest("  \n", {}).error().kind == ErrorKind::Usage);
}

TEST_CASE("status and sync requests") {
    CHECK(statusRequest().method == "GET");
    CHECK(statusRequest().target == "/status");
    CHECK(syncRequest().method == "POST");
    CHECK(syncRequest().target == "/sync");
}

TEST_CASE("the socket is the flag or else ROOMSD_SOCKET or else roomsd's default") {
    CHECK(defaultSocketPath(nullptr) == "/run/roomsd/roomsd.sock");
    CHECK(defaultSocketPath("") == "/run/roomsd/roomsd.sock");
    CHECK(defaultSocketPath("/tmp/r.sock") == "/tmp/r.sock");
    CHECK(checkSocketPath("/run/roomsd/roomsd.sock").ok());
    CHECK_FALSE(checkSocketPath("").ok());
    CHECK_FALSE(checkSocketPath("/" + std::string(200, 'x')).ok());
}
