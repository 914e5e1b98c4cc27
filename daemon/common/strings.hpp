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
