// The query string of a request to the query API, decoded by Boost.URL.
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace roomsd::api {

// The parameters of a URL query string (without '?'), names and values percent-decoded
// with '+' as a space. A name that does not decode is skipped (it cannot be a parameter
// anyone knows); a value that does not decode is kept as nullopt, so that the code that
// knows the parameter can say what is wrong with it. A repeated name keeps its last value.
using QueryParameters = std::map<std::string, std::optional<std::string>, std::less<>>;
QueryParameters parseQueryString(std::string_view query);

// A path segment percent-decoded ('+' stays '+'); nullopt when it is not valid percent-encoding.
std::optional<std::string> decodePathSegment(std::string_view segment);

} // namespace roomsd::api
