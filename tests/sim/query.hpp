// Query strings of the rooms API: the parameters an operation takes (as the spec lists
// them, see spec.hpp), their validation, and the filtering and paging they ask for.
//
// Keys and values are percent-decoded by Boost.URL ('+' in a value is a space, brackets
// may be raw or encoded); the last occurrence of a parameter wins. An operation reads
// only the parameters the spec lists for it; anything else in the query is ignored, as
// the real API does. A listed parameter with a bad value is an InvalidParameter (422).
// Thread-safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/time.hpp"
#include "records.hpp"
#include "spec.hpp"

namespace roomsd::sim {

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
    FieldValue value; // a string, or a bool for a boolean filter
};

struct ListQuery {
    std::vector<DateFilter> dateFilters;
    std::vector<ExactFilter> exactFilters;
    bool includeChildren = false; // include_sessions / include_participants
    std::int64_t pageNumber = 1;  // the spec's defaults replace these
    std::int64_t pageSize = 20;
};

struct InvalidParameter {
    std::string parameter; // as the spec names it: "page[size]"
    std::string detail;    // what is wrong, for a human
};

// name -> decoded value, the last occurrence winning; nullopt for a value (or a whole
// parameter) that is not valid percent-encoding.
using DecodedQuery = std::map<std::string, std::optional<std::string>>;
DecodedQuery decodeQuery(std::string_view query);

// Parses the query string (without '?') of a request to `operation` of `spec`.
std::variant<ListQuery, InvalidParameter> parseQuery(const ApiSpec& spec, const Operation& operation,
                                                     std::string_view query);

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
