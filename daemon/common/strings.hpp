// Small string utilities shared by every module.
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roomsd {

// `s` without leading and trailing ASCII white space.
std::string_view trim(std::string_view s);

// percentEncode, percentDecode and parseQueryString: roomsd itself builds and reads URLs
// with Boost.URL (ctl/request, telnyx/client, api/query_string). These three stay only
// while telnyx-sim (tests/sim) still uses them; remove them with their last user.

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string percentEncode(std::string_view s);

// Decodes %XX escapes and, for query strings, '+' as space; nullopt on a bad escape.
std::optional<std::string> percentDecode(std::string_view s, bool plusIsSpace);

// The parameters of a URL query string (without '?'), names and values percent-decoded
// with '+' as a space. A name that does not decode is skipped (it cannot be a parameter
// anyone knows); a value that does not decode is kept as nullopt, so that the code that
// knows the parameter can say what is wrong with it. A repeated name keeps its last value.
using QueryParameters = std::map<std::string, std::optional<std::string>, std::less<>>;
QueryParameters parseQueryString(std::string_view query);

// Splits on `sep`, keeping empty parts.
std::vector<std::string_view> split(std::string_view s, char sep);

// Parses a whole decimal integer (optional leading '-'); nullopt on anything else or overflow.
std::optional<long long> parseInteger(std::string_view s);

// Quotes `s` for a log line or error message: printable ASCII kept, the rest escaped,
// cut to `maxLength` characters; hostile input cannot forge log lines.
std::string quoteForLog(std::string_view s, std::size_t maxLength = 200);

// Like quoteForLog without the quotes: control and non-ASCII bytes escaped, cut to `maxLength`.
std::string printableForLog(std::string_view s, std::size_t maxLength = 200);

} // namespace roomsd
