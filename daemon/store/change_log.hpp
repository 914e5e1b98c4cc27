// ChangeLog: the writer's side of the change feed (schema/0004_change_log.sql).
//
// MirrorWriter appends one row per change it applies, inside the transaction that applies it, so
// the log holds exactly what the tables went through: replaying it from the start gives the
// tables. trim() applies retention (by age and by count) without ever deleting a change after the
// smallest seq a registered consumer has acknowledged, and records what it trimmed.
// Thread-safety: owns statements on the writer connection; one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"

namespace roomsd::store {

enum class ChangeOp { Insert, Update, Delete, Restore };
std::string_view toString(ChangeOp op) noexcept; // "insert", "update", "delete", "restore"

struct ChangeRetention {
    int days = 7;                    // changes applied longer ago are trimmed ...
    std::int64_t count = 100000;     // ... and so are all but the newest `count`
    std::int64_t maxPerTrim = 50000; // rows deleted by one trim() call at most (the rest next time)
};

struct TrimResult {
    std::int64_t deleted = 0;
    std::int64_t through = 0;    // every seq up to this one is gone
    bool heldByConsumer = false; // retention would have trimmed further but for a consumer's ack
};

class ChangeLog {
public:
    explicit ChangeLog(SQLite::Database& db);

    // Appends a change; the caller holds the transaction that applies it. `fields` is the JSON
    // array text of the changed fields, or nullopt (insert: every field). Throws SQLite::Exception.
    void append(std::string_view kind, const std::string& id, ChangeOp op, const std::optional<std::string>& fields,
                const std::string& record, const std::string& appliedAt);

    // The last seq appended, committed or in the open transaction (0 before the first).
    // Throws SQLite::Exception.
    std::int64_t lastSeq();
    // The ids of `kind` changed after seq `after`, or nullopt when the log cannot tell (retention
    // trimmed changes after it, or the log has not reached it: another mirror) or more than
    // `limit` changes came after it. Throws SQLite::Exception.
    std::optional<std::vector<std::string>> idsChangedAfter(std::string_view kind, std::int64_t after,
                                                            std::int64_t limit);

    // Trims by `policy` at `now`, in one transaction of its own.
    Result<TrimResult> trim(const ChangeRetention& policy, Timestamp now);

    // Resets the prepared statement, after a failure.
    void reset() noexcept;

private:
    SQLite::Database& db_;
    SQLite::Statement insert_;
    SQLite::Statement lastSeq_;
    SQLite::Statement trimmedThrough_;
    SQLite::Statement changedAfter_;
};

// The JSON array text of the keys whose values differ between two upstream objects (sorted, a
// key present in one only included), with `extra` added in its sorted place when not empty;
// nullopt when either text is not a JSON object.
std::optional<std::string> changedFields(std::string_view before, std::string_view after, std::string_view extra = "");

} // namespace roomsd::store
