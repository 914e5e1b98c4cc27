// Text for people and for programs: terminal-safe escaping, display width, CSV fields.
//
// A record's strings come from whoever created it (a participant's context is
// whatever a client SDK sent), so nothing reaches a terminal unescaped: control
// characters, bidirectional overrides and invalid UTF-8 become visible escapes.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace roomsd::ctl {

// `s` made safe to print on a terminal: '\\' -> "\\\\", newline, tab and CR as
// "\\n" "\\t" "\\r", other C0 controls and DEL as "\\xNN", C1 controls, line
// separators and bidi controls as "\\u{NNNN}", bytes that are not UTF-8 as "\\xNN".
// Every other character, wide or combining, is kept; the mapping loses nothing.
std::string escapeForTerminal(std::string_view s);

// Columns `s` takes on a terminal: 2 for East Asian wide and fullwidth characters
// and most emoji, 0 for combining marks and zero-width characters, 1 otherwise.
// Meant for text that escapeForTerminal() has already made safe.
std::size_t displayWidth(std::string_view s);

// `s` as one RFC 4180 field: quoted (with '"' doubled) when it holds a comma, a
// quote, CR or LF, or starts or ends with a space; kept as is otherwise.
std::string csvField(std::string_view s);

// `cells` as one CSV record, the only place roomsctl writes one: each cell a csvField(),
// separated by commas, ended by CRLF (RFC 4180, as the daemon's own CSV).
std::string csvRow(std::span<const std::string> cells);

} // namespace roomsd::ctl
