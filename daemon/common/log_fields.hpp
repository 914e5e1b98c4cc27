// LogFieldScope: structured fields (KEY=value) for the log records a thread writes while the
// scope lives, e.g. a pass's STREAM, OUTCOME and RECORDS around its summary line.
//
// The journal sink attaches the fields of the scopes in force to every record (as journal
// fields next to MESSAGE); the stderr sink ignores them, since the text already says it all.
// Keys follow the journal's rule for field names (A-Z, 0-9 and _, not starting with _, at
// most 64 characters); the sink drops a field whose key does not. Scopes nest: an inner one
// adds its fields after the outer's, and a key given twice is sent twice.
// Thread-safety: the fields are thread-local; a scope belongs to the thread that made it and
// must end on it (destruction in reverse order of construction, as RAII gives).
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace roomsd {

struct LogField {
    std::string key; // journal field name, e.g. "STREAM"
    std::string value;
};

class LogFieldScope {
public:
    explicit LogFieldScope(std::initializer_list<LogField> fields);
    ~LogFieldScope();
    LogFieldScope(const LogFieldScope&) = delete;
    LogFieldScope& operator=(const LogFieldScope&) = delete;

private:
    std::size_t added_;
};

// The fields of this thread's live scopes, outermost first.
std::span<const LogField> currentLogFields() noexcept;

// Whether `key` is a valid journal field name a caller may set (not a trusted "_" one).
bool isJournalFieldName(std::string_view key) noexcept;

} // namespace roomsd
