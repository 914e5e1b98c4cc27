// Route matching and the validation of /v2 query parameters.
#include <catch2/catch.hpp>

#include "api/routes.hpp"
#include "api/telnyx_query.hpp"

using namespace roomsd;
using namespace roomsd::api;

namespace {

store::ListRequest parsedOk(Route route, std::string_view query, const std::string& id = "") {
    REQUIRE(telnyxRouteOf(route) != nullptr);
    auto parsed = parseTelnyxQuery(*telnyxRouteOf(route), id, query);
    if (!parsed) FAIL("refused: " << parsed.error().message);
    return std::move(parsed).value();
}

struct InvalidParameter {
    std::string parameter;
    std::string detail;
};

InvalidParameter refused(Route route, std::string_view query) {
    REQUIRE(telnyxRouteOf(route) != nullptr);
    auto parsed = parseTelnyxQuery(*telnyxRouteOf(route), "", query);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::Usage);
    return {parsed.error().parameter, parsed.error().message};
}

} // namespace

TEST_CASE("every Telnyx path, and nothing else, matches a route") {
    CHECK(matchRoute("/v2/rooms").route == Route::ListRooms);
    CHECK(matchRoute("/v2/rooms/r1").route == Route::ViewRoom);
    CHECK(matchRoute("/v2/rooms/r1").id == "r1");
    CHECK(matchRoute("/v2/rooms/r1/sessions").route == Route::ListSessionsOfRoom);
    CHECK(matchRoute("/v2/room_sessions").route == Route::ListSessions);
    CHECK(matchRoute("/v2/room_sessions/s1").route == Route::ViewSession);
    CHECK(matchRoute("/v2/room_sessions/s1/participants").route == Route::ListParticipantsOfSession);
    CHECK(matchRoute("/v2/room_participants").route == Route::ListParticipants);
    CHECK(matchRoute("/v2/room_participants/p1").route == Route::ViewParticipant);
    CHECK(matchRoute("/sql").route == Route::Sql);
    CHECK(matchRoute("/status").route == Route::Status);
    CHECK(matchRoute("/metrics").route == Route::Metrics);
    CHECK(matchRoute("/sync").route == Route::Sync);
    CHECK(matchRoute("/v2/rooms/a%20b").id == "a b");
    for (const char* path : {"/", "/v2", "/v2/", "/v2/rooms/", "/v2/rooms//sessions", "/v2/room_participants/p/x",
                             "/v2/rooms/r/participants", "/v2/rooms/%zz", "/status/", "/v3/rooms"})
        CHECK(matchRoute(path).route == Route::Unknown);
}

TEST_CASE("metrics labels are route patterns, never raw paths") {
    CHECK(routeLabel(matchRoute("/v2/rooms/any-id-at-all").route) == "/v2/rooms/{id}");
    CHECK(routeLabel(matchRoute("/v2/room_sessions/x/participants").route) == "/v2/room_sessions/{id}/participants");
    CHECK(routeLabel(matchRoute("/no/such/thing").route) == "other");
    CHECK(allowedMethods(Route::Sql) == "POST");
    CHECK(allowedMethods(Route::Sync) == "POST");
    CHECK(allowedMethods(Route::ListRooms) == "GET, HEAD");
    CHECK(allowedMethods(Route::Status) == "GET, HEAD");
}

TEST_CASE("list parameters default to page 1 of 20 without filters") {
    auto request = parsedOk(Route::ListRooms, "");
    CHECK(request.schema == &model::roomsSchema());
    CHECK(request.pageNumber == 1);
    CHECK(request.pageSize == 20);
    CHECK_FALSE(request.includeChildren);
    CHECK(request.dates.empty());
    CHECK(request.matches.empty());
    CHECK_FALSE(request.parentId);
}

TEST_CASE("page[size] takes 1..250 and page[number] any positive integer") {
    CHECK(parsedOk(Route::ListRooms, "page[size]=250").pageSize == 250);
    CHECK(parsedOk(Route::ListRooms, "page%5Bsize%5D=7&page%5Bnumber%5D=3").pageNumber == 3);
    CHECK(parsedOk(Route::ListRooms, "page[number]=9223372036854775807").pageNumber == INT64_MAX);
    for (const char* bad : {"page[size]=0", "page[size]=251", "page[size]=abc", "page[size]=", "page[size]=1.5"})
        CHECK(refused(Route::ListRooms, bad).parameter == "page[size]");
    for (const char* bad : {"page[number]=0", "page[number]=-1", "page[number]=x", "page[number]=99999999999999999999"})
        CHECK(refused(Route::ListRooms, bad).parameter == "page[number]");
}

TEST_CASE("the include flag is true or false, on the routes that have one") {
    CHECK(parsedOk(Route::ListRooms, "include_sessions=true").includeChildren);
    CHECK_FALSE(parsedOk(Route::ListRooms, "include_sessions=false").includeChildren);
    CHECK(parsedOk(Route::ViewSession, "include_participants=true").includeChildren);
    CHECK(refused(Route::ListRooms, "include_sessions=yes").parameter == "include_sessions");
    CHECK(refused(Route::ListRooms, "include_sessions").parameter == "include_sessions");
    // Not a parameter of these routes: ignored, as upstream ignores it.
    CHECK_FALSE(parsedOk(Route::ListRooms, "include_participants=true").includeChildren);
    CHECK_FALSE(parsedOk(Route::ListParticipants, "include_sessions=maybe").includeChildren);
}

TEST_CASE("date filters are the route's own, with eq, gte and lte dates") {
    auto request = parsedOk(Route::ListSessions, "filter[date_ended_at][gte]=2024-05-01&filter[date_ended_at][lte]="
                                                 "2024-05-31&filter[date_created_at][eq]=2024-04-30");
    REQUIRE(request.dates.size() == 2);
    CHECK(request.dates[0].field == "created_at");
    CHECK(request.dates[0].eq == parseDate("2024-04-30"));
    CHECK(request.dates[1].field == "ended_at");
    CHECK(request.dates[1].gte == parseDate("2024-05-01"));
    CHECK(request.dates[1].lte == parseDate("2024-05-31"));
    CHECK(refused(Route::ListRooms, "filter[date_created_at][eq]=2024-02-30").parameter ==
          "filter[date_created_at][eq]");
    CHECK(refused(Route::ListParticipants, "filter[date_left_at][lte]=yesterday").parameter ==
          "filter[date_left_at][lte]");
    // filter[date_ended_at] is not a room filter.
    CHECK(parsedOk(Route::ListRooms, "filter[date_ended_at][eq]=nonsense").dates.empty());
}

TEST_CASE("text and active filters match exactly, '+' and escapes decoded") {
    auto rooms = parsedOk(Route::ListRooms, "filter[unique_name]=my+room%21");
    REQUIRE(rooms.matches.size() == 1);
    CHECK(rooms.matches[0].field == "unique_name");
    CHECK(std::get<std::string>(rooms.matches[0].value) == "my room!");
    auto sessions = parsedOk(Route::ListSessions, "filter[room_id]=r1&filter[active]=false");
    REQUIRE(sessions.matches.size() == 2);
    CHECK(std::get<bool>(sessions.matches[1].value) == false);
    CHECK(refused(Route::ListSessions, "filter[active]=1").parameter == "filter[active]");
    CHECK(refused(Route::ListParticipants, "filter[context]=%zz").parameter == "filter[context]");
    // The nested list of a room's sessions has no filter[room_id]: the path says it.
    CHECK(parsedOk(Route::ListSessionsOfRoom, "filter[room_id]=other", "r1").matches.empty());
    CHECK(parsedOk(Route::ListParticipantsOfSession, "filter[session_id]=x", "s1").matches.empty());
}

TEST_CASE("nested routes restrict to their parent, and the last occurrence of a parameter wins") {
    auto request = parsedOk(Route::ListParticipantsOfSession, "page[size]=5&page[size]=9", "s-1");
    CHECK(request.schema == &model::participantsSchema());
    CHECK(request.parentId == std::optional<std::string>("s-1"));
    CHECK(request.pageSize == 9);
}

TEST_CASE("the first bad parameter is the one reported") {
    auto bad = refused(Route::ListRooms, "filter[date_created_at][eq]=x&page[size]=0&include_sessions=no");
    CHECK(bad.parameter == "page[size]");
    CHECK(bad.detail == "page[size] must be an integer between 1 and 250");
}

TEST_CASE("by-id routes take no paging") {
    auto request = parsedOk(Route::ViewRoom, "page[size]=0&include_sessions=true", "r1");
    CHECK(request.includeChildren);
    CHECK_FALSE(request.parentId);
    CHECK(parsedOk(Route::ViewParticipant, "include_sessions=bogus").schema == &model::participantsSchema());
}
