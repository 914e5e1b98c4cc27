// Query strings of the Telnyx-compatible routes: the parameters each one takes
// in rooms-openapi.yaml, validated as Telnyx (and telnyx-sim) validate them.
//
// Names are the spec's deepObject names (filter[date_created_at][gte],
// page[size], ...), brackets raw or percent-encoded, '+' a space in values;
// the last occurrence of a name wins. A parameter a route does not take is
// ignored, as upstream ignores it; a known one with a bad value is refused
// (422 with the parameter named). The first bad parameter is reported, in the
// order: page[size], page[number], include flag, date filters, text filters,
// filter[active].
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "api/routes.hpp"
#include "store/mirror_reader.hpp"

namespace roomsd::api {

struct InvalidParameter {
    std::string parameter; // as the spec names it: "page[size]"
    std::string detail;    // what is wrong, for a human
};

inline constexpr std::int64_t kDefaultPageSize = 20;
inline constexpr std::int64_t kMaxPageSize = 250;

// The read a Telnyx route asks for: `route` must be one of the eight /v2
// routes and `id` its path id (the parent id of a nested list). For a by-id
// route only schema and includeChildren matter.
std::variant<store::ListRequest, InvalidParameter> parseTelnyxQuery(Route route, const std::string& id,
                                                                    std::string_view query);

} // namespace roomsd::api
