// Query strings of the rooms API: which parameters each endpoint takes, their
// validation, and the filtering and paging they ask for.
//
// Parameters are the spec's deepObject names (filter[date_created_at][gte],
// page[size], ...), with brackets raw or percent-encoded and '+' meaning a space
// in values. Each endpoint accepts only the filters the spec lists for its path;
// anything else in the query is ignored, as the real API does. A recognised
// parameter with a bad value is an InvalidParameter (the server's 422).
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/time.hpp"
#include "records.hpp"

namespace roomsd::sim {

enum class Endpoint {
    ListRooms,                 // GET /rooms
    ViewRoom,                  // GET /rooms/{room_id}
    ListSessionsOfRoom,        // GET /rooms/{room_id}/sessions
    ListSessions,              // GET /room_sessions
    ViewSession,               // GET /room_sessions/{room_session_id}
    ListParticipantsOfSession, // GET /room_sessions/{room_session_id}/participants
    ListParticipants,          // GET /room_participants
    ViewParticipant,           // GET /room_participants/{room_participant_id}
};

// The stream an endpoint returns records of.
Stream streamOf(Endpoint endpoint);

// filter[date_<field>][eq|gte|lte]: compared with the UTC date of `field`.
struct DateFilter {
    std::string_view field; // the record field: "created_at"
    std::optional<Date> eq;
    std::optional<Date> gte;
    std::optional<Date> lte;
};

// filter[<field>]=value: the field must equal the value exactly.
struct ExactFilter {
    std::string_view field;
    FieldValue value; // a string, or a bool for filter[active]
};

struct ListQuery {
    std::vector<DateFilter> dateFilters;
    std::vector<ExactFilter> exactFilters;
    bool includeChildren = false; // include_sessions / include_participants
    std::int64_t pageNumber = 1;
    std::int64_t pageSize = 20;
};

struct InvalidParameter {
    std::string parameter; // as the spec names it: "page[size]"
    std::string detail;    // what is wrong, for a human
};

constexpr std::int64_t kMaxPageSize = 250;

// Parses the query string (without '?') of a request to `endpoint`.
std::variant<ListQuery, InvalidParameter> parseQuery(Endpoint endpoint, std::string_view query);

// True when `record` passes every filter of `query`; a null field never matches a filter on it.
bool matches(const ListQuery& query, const StreamSchema& schema, const Record& record);

struct PageSlice {
    std::size_t offset = 0; // first record of the page
    std::size_t count = 0;  // records on the page (0 past the end)
    std::int64_t totalPages = 0;
};

// The slice of `total` records that page `number` of size `size` covers.
PageSlice paginate(std::size_t total, std::int64_t number, std::int64_t size);

// The value of page[number] in `query` (brackets raw or encoded): 1 when absent,
// nullopt when present but not an integer.
std::optional<std::int64_t> requestedPageNumber(std::string_view query);

} // namespace roomsd::sim
