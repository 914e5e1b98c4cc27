// Query parsing, filtering and paging, without a server.
#include <catch2/catch.hpp>
#include <set>

#include "query.hpp"
#include "spec_fixture.hpp"

using namespace roomsd;
using namespace roomsd::sim;
using namespace roomsd::sim::testing;

namespace {

ListQuery parsed(const Operation& endpoint, std::string_view query) {
    auto result = parseQuery(*testSpec(), endpoint, query);
    if (auto* invalid = std::get_if<InvalidParameter>(&result)) FAIL("unexpected 422: " << invalid->detail);
    return std::get<ListQuery>(result);
}

InvalidParameter invalid(const Operation& endpoint, std::string_view query) {
    auto result = parseQuery(*testSpec(), endpoint, query);
    REQUIRE(std::holds_alternative<InvalidParameter>(result));
    return std::get<InvalidParameter>(result);
}

Record participant(const char* joined, std::optional<const char*> left, const char* context) {
    const StreamSchema& schema = schemaOf(Stream::Participants);
    Record r = emptyRecord(schema, "p");
    setValue(schema, r, "session_id", std::string("s1"));
    setValue(schema, r, "context", std::string(context));
    setValue(schema, r, "joined_at", *parseTimestamp(joined));
    setValue(schema, r, "updated_at", *parseTimestamp(joined));
    if (left) setValue(schema, r, "left_at", *parseTimestamp(*left));
    return r;
}

} // namespace

TEST_CASE("without parameters a list asks for page 1 of 20, unfiltered") {
    ListQuery q = parsed(op("ListRooms"), "");
    CHECK(q.pageNumber == 1);
    CHECK(q.pageSize == 20);
    CHECK(q.dateFilters.empty());
    CHECK(q.exactFilters.empty());
    CHECK_FALSE(q.includeChildren);
}

TEST_CASE("brackets may be raw or percent-encoded, in either case") {
    for (const char* query : {"page[size]=7&page[number]=3", "page%5Bsize%5D=7&page%5Bnumber%5D=3",
                              "page%5bsize%5d=7&page%5bnumber%5d=3"}) {
        INFO(query);
        ListQuery q = parsed(op("ListRoomSessions"), query);
        CHECK(q.pageSize == 7);
        CHECK(q.pageNumber == 3);
    }
}

TEST_CASE("values decode %XX and '+' as a space - the last occurrence wins") {
    ListQuery q =
        parsed(op("ListRoomParticipants"), "filter%5Bcontext%5D=Dr.+%22Q%22+O%27Neil&page[size]=5&page[size]=6");
    REQUIRE(q.exactFilters.size() == 1);
    CHECK(q.exactFilters[0].field == "context");
    CHECK(std::get<std::string>(q.exactFilters[0].value) == "Dr. \"Q\" O'Neil");
    CHECK(q.pageSize == 6);
}

TEST_CASE("each endpoint takes only the filters the spec lists for its path") {
    const char* everything = "filter[date_created_at][eq]=2026-05-01&filter[date_updated_at][eq]=2026-05-01"
                             "&filter[date_ended_at][eq]=2026-05-01&filter[date_joined_at][eq]=2026-05-01"
                             "&filter[date_left_at][eq]=2026-05-01&filter[unique_name]=a&filter[room_id]=b"
                             "&filter[session_id]=c&filter[context]=d&filter[active]=true"
                             "&include_sessions=true&include_participants=true";
    auto names = [](const ListQuery& q) {
        std::set<std::string> out;
        for (const auto& f : q.dateFilters) out.insert("date_" + std::string(f.field));
        for (const auto& f : q.exactFilters) out.insert(std::string(f.field));
        return out;
    };
    using S = std::set<std::string>;
    CHECK(names(parsed(op("ListRooms"), everything)) == S{"date_created_at", "date_updated_at", "unique_name"});
    CHECK(names(parsed(op("ListRoomSessions"), everything)) ==
          S{"date_created_at", "date_updated_at", "date_ended_at", "room_id", "active"});
    CHECK(names(parsed(op("RetrieveListRoomSessions"), everything)) ==
          S{"date_created_at", "date_updated_at", "date_ended_at", "active"});
    CHECK(names(parsed(op("ListRoomParticipants"), everything)) ==
          S{"date_joined_at", "date_updated_at", "date_left_at", "context", "session_id"});
    CHECK(names(parsed(op("RetrieveListRoomParticipants"), everything)) ==
          S{"date_joined_at", "date_updated_at", "date_left_at", "context"});
    CHECK(names(parsed(op("ViewRoom"), everything)).empty());
    CHECK(parsed(op("ListRooms"), everything).includeChildren);
    CHECK(parsed(op("ViewRoomSession"), everything).includeChildren);
    CHECK_FALSE(parsed(op("ListRoomParticipants"), everything).includeChildren);
    // Not listed for the path, so not validated either.
    CHECK(parsed(op("ListRooms"), "filter[active]=maybe&include_participants=2&page[sise]=0&x=%zz").pageSize == 20);
    CHECK(parsed(op("ViewRoom"), "page[size]=0").includeChildren == false);
}

TEST_CASE("bad values of known parameters are 422s naming the parameter") {
    struct Case {
        const Operation& endpoint;
        const char* query;
        const char* parameter;
    };
    for (const Case& c : {
             Case{op("ListRooms"), "page[size]=0", "page[size]"},
             Case{op("ListRooms"), "page%5Bsize%5D=251", "page[size]"},
             Case{op("ListRooms"), "page[size]=ten", "page[size]"},
             Case{op("ListRooms"), "page[size]=2.5", "page[size]"},
             Case{op("ListRooms"), "page[size]=", "page[size]"},
             Case{op("ListRooms"), "page[size]=+5", "page[size]"},
             Case{op("ListRoomSessions"), "page[number]=0", "page[number]"},
             Case{op("ListRoomSessions"), "page[number]=-1", "page[number]"},
             Case{op("ListRoomSessions"), "page[number]=1e3", "page[number]"},
             Case{op("ListRoomSessions"), "page[number]=99999999999999999999", "page[number]"},
             Case{op("ListRooms"), "filter[date_created_at][eq]=2021-02-30", "filter[date_created_at][eq]"},
             Case{op("ListRooms"), "filter[date_updated_at][gte]=2021-4-5", "filter[date_updated_at][gte]"},
             Case{op("ListRoomSessions"), "filter[date_ended_at][lte]=yesterday", "filter[date_ended_at][lte]"},
             Case{op("ListRoomParticipants"), "filter[date_left_at][eq]=2021-04-16T00:00:00Z",
                  "filter[date_left_at][eq]"},
             Case{op("ListRoomSessions"), "filter[active]=TRUE", "filter[active]"},
             Case{op("RetrieveListRoomSessions"), "filter[active]=1", "filter[active]"},
             Case{op("ListRooms"), "include_sessions=yes", "include_sessions"},
             Case{op("ViewRoomSession"), "include_participants=", "include_participants"},
             Case{op("ListRoomParticipants"), "filter[context]=%zz", "filter[context]"},
         }) {
        INFO(c.query);
        InvalidParameter bad = invalid(c.endpoint, c.query);
        CHECK(bad.parameter == c.parameter);
        CHECK(bad.detail.find(c.parameter) != std::string::npos);
    }
    CHECK(parsed(op("ListRooms"), "page[size]=250").pageSize == 250);
    CHECK(parsed(op("ListRooms"), "page[size]=1").pageSize == 1);
}

TEST_CASE("date filters compare the UTC date of the field - eq, gte and lte combine") {
    const StreamSchema& schema = schemaOf(Stream::Participants);
    Record r = participant("2026-05-10T23:59:59.999999Z", "2026-05-11T00:00:00Z", "Alice");
    auto matching = [&](std::string_view query) {
        return matches(parsed(op("ListRoomParticipants"), query), schema, r);
    };
    CHECK(matching("filter[date_joined_at][eq]=2026-05-10"));
    CHECK_FALSE(matching("filter[date_joined_at][eq]=2026-05-11"));
    CHECK(matching("filter[date_left_at][eq]=2026-05-11"));
    CHECK(matching("filter[date_joined_at][gte]=2026-05-10&filter[date_joined_at][lte]=2026-05-10"));
    CHECK_FALSE(matching("filter[date_joined_at][gte]=2026-05-11"));
    CHECK_FALSE(matching("filter[date_joined_at][lte]=2026-05-09"));
    CHECK_FALSE(matching("filter[date_joined_at][gte]=2026-05-01&filter[date_joined_at][eq]=2026-05-09"));
    CHECK(matching("filter[date_joined_at][gte]=2026-05-01&filter[date_left_at][lte]=2026-05-11"));
    CHECK_FALSE(matching("filter[date_joined_at][gte]=2026-05-01&filter[date_left_at][lte]=2026-05-10"));
}

TEST_CASE("a record whose field is null never matches a filter on that field") {
    const StreamSchema& schema = schemaOf(Stream::Participants);
    Record stillHere = participant("2026-05-10T10:00:00Z", std::nullopt, "Alice");
    for (const char* query : {"filter[date_left_at][eq]=2026-05-10", "filter[date_left_at][gte]=1970-01-01",
                              "filter[date_left_at][lte]=2999-12-31"})
        CHECK_FALSE(matches(parsed(op("ListRoomParticipants"), query), schema, stillHere));
    CHECK(matches(parsed(op("ListRoomParticipants"), "filter[date_joined_at][lte]=2999-12-31"), schema, stillHere));
}

TEST_CASE("exact filters match whole values only") {
    const StreamSchema& schema = schemaOf(Stream::Participants);
    Record r = participant("2026-05-10T10:00:00Z", std::nullopt, "Zo\xC3\xAB");
    CHECK(matches(parsed(op("ListRoomParticipants"), "filter[context]=Zo%C3%AB"), schema, r));
    CHECK_FALSE(matches(parsed(op("ListRoomParticipants"), "filter[context]=Zo"), schema, r));
    CHECK_FALSE(matches(parsed(op("ListRoomParticipants"), "filter[context]=zo%C3%AB"), schema, r));
    CHECK(matches(parsed(op("ListRoomParticipants"), "filter[session_id]=s1"), schema, r));
    CHECK_FALSE(matches(parsed(op("ListRoomParticipants"), "filter[session_id]=s2"), schema, r));

    const StreamSchema& sessions = schemaOf(Stream::Sessions);
    Record session = emptyRecord(sessions, "s");
    setValue(sessions, session, "active", true);
    CHECK(matches(parsed(op("ListRoomSessions"), "filter[active]=true"), sessions, session));
    CHECK_FALSE(matches(parsed(op("ListRoomSessions"), "filter[active]=false"), sessions, session));
    CHECK_FALSE(matches(parsed(op("ListRoomSessions"), "filter[room_id]=r"), sessions, session)); // room_id null
}

TEST_CASE("paging slices the results and counts the pages") {
    PageSlice empty = paginate(0, 1, 20);
    CHECK(empty.totalPages == 0);
    CHECK(empty.count == 0);
    PageSlice first = paginate(55, 1, 25);
    CHECK(first.totalPages == 3);
    CHECK(first.offset == 0);
    CHECK(first.count == 25);
    PageSlice last = paginate(55, 3, 25);
    CHECK(last.offset == 50);
    CHECK(last.count == 5);
    CHECK(paginate(55, 4, 25).count == 0);
    CHECK(paginate(50, 2, 25).count == 25);
    CHECK(paginate(50, 2, 25).totalPages == 2);
    CHECK(paginate(55, INT64_MAX, 250).count == 0);
    CHECK(paginate(1, 1, 250).count == 1);
}

TEST_CASE("fault rules read the requested page number like the API does") {
    CHECK(requestedPageNumber("") == 1);
    CHECK(requestedPageNumber("page[size]=5") == 1);
    CHECK(requestedPageNumber("page%5Bnumber%5D=4&page[size]=5") == 4);
    CHECK(requestedPageNumber("page[number]=x") == std::nullopt);
}
