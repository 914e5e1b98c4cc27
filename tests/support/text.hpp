// Reading what a command printed: lines, words, RFC 4180 CSV.
// Thread-safety: pure functions (parseCsv's checks are Catch assertions: the test's thread).
#pragma once

#include <string>
#include <vector>

namespace roomsd::test {

// `text` cut at each `separator`; a separator at the very end starts no empty line.
std::vector<std::string> linesOf(const std::string& text, const std::string& separator = "\n");

// The words of `line`, split at white space.
std::vector<std::string> words(const std::string& line);

// RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks, and
// every record ends in CRLF, the last one too (checked).
std::vector<std::vector<std::string>> parseCsv(const std::string& text);

} // namespace roomsd::test
