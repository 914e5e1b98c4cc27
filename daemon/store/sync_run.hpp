// SyncRun: one row of sync_runs, what one pass of one stream did, and the
// table of its columns.
//
// The columns are described once, in runColumns() and counterColumns(): the
// INSERT and SELECT of sync_runs, GET /status's last_run, /metrics and every
// roomsctl format are derived from these tables, so a counter added here
// appears everywhere (tests/unit/store/sync_run_columns_test.cpp fails when one
// of them misses a column).
// Thread-safety: immutable tables and plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "common/time.hpp"

namespace roomsd::store {

enum class PassMode {
    Backfill,    // no cursor yet: the whole listing
    Incremental, // filter[date_updated_at][gte] from the cursor's date minus the lookback
    Reconcile,   // the whole listing again, to find what upstream deleted
};

enum class PassOutcome {
    Ok,        // complete; the cursor moved
    Held,      // complete, but the listing moved or did not end: the cursor stays
    Failed,    // a request or the store failed
    Cancelled, // a stop was requested
};

std::string_view toString(PassMode mode) noexcept;
std::string_view toString(PassOutcome outcome) noexcept;
std::optional<PassMode> parsePassMode(std::string_view text) noexcept;
std::optional<PassOutcome> parsePassOutcome(std::string_view text) noexcept;
// Every outcome, in the order /metrics lists them.
std::span<const PassOutcome> allOutcomes() noexcept;
// Ok and Held: the pass read the whole listing and recorded it.
bool completed(PassOutcome outcome) noexcept;

// What a pass counted.
struct RunCounters {
    std::int64_t requests = 0; // HTTP attempts, retries included
    std::int64_t retries = 0;
    std::int64_t pages = 0;
    std::int64_t walks = 0;
    std::int64_t recordsSeen = 0;
    std::int64_t inserted = 0;
    std::int64_t updated = 0;
    std::int64_t unchanged = 0;
    std::int64_t deleted = 0;
    std::int64_t embeddedWritten = 0; // embedded children (a room's sessions) inserted or updated
    std::int64_t errors = 0;

    RunCounters& operator+=(const RunCounters& other) noexcept;
};

struct SyncRun {
    std::string stream;
    PassMode mode = PassMode::Backfill;
    std::optional<Date> filterDate;
    Timestamp startedAt;
    Timestamp finishedAt;
    PassOutcome outcome = PassOutcome::Failed;
    std::string message; // empty: none (NULL in the table)
    RunCounters counters;
    std::optional<Timestamp> cursorBefore;
    std::optional<Timestamp> cursorAfter;
};

// A column of sync_runs that is not a counter, as a pointer to its member.
using RunField =
    std::variant<std::string SyncRun::*, PassMode SyncRun::*, PassOutcome SyncRun::*, std::optional<Date> SyncRun::*,
                 Timestamp SyncRun::*, std::optional<Timestamp> SyncRun::*>;

struct RunColumn {
    std::string_view name; // the sync_runs column, the key in /status's last_run and in roomsctl
    RunField field;
};

// A counter column, and how /metrics exports its total since start.
struct CounterColumn {
    std::string_view name; // the sync_runs column and the key in /status's last_run
    std::int64_t RunCounters::*member;
    std::string_view metric;     // the Prometheus family, "roomsd_sync_rows_total"
    std::string_view metricOp;   // its "op" label, or empty for a family of one counter
    std::string_view metricHelp; // the family's HELP text (the same for every member of the family)
};

// The non-counter columns, in table order: stream, mode, filter_date, started_at, finished_at,
// outcome, message, then (after the counters) cursor_before, cursor_after.
std::span<const RunColumn> runColumns() noexcept;
// The counters, in table order.
std::span<const CounterColumn> counterColumns() noexcept;
// The column names in table order, "id" left out: stream ... errors, cursor_before, cursor_after.
std::span<const std::string_view> runColumnNames() noexcept;

// A column's value as text for SQL and JSON: nullopt for NULL.
std::optional<std::string> columnText(const SyncRun& run, const RunColumn& column);
// Sets a column from its stored text (nullopt for NULL); false when the text is not a valid value.
bool setColumn(SyncRun& run, const RunColumn& column, const std::optional<std::string>& text);

} // namespace roomsd::store
