// Running a report's query on a read-only connection to the mirror.
//
// The query, with the prelude in front, goes through store::SqlRunner: the same
// authorizer, time limit and size limits as POST /sql, and the same one read
// transaction for the rows and the mirror's freshness. An answer past a limit is
// an error, never a partial table.
// Thread-safety: one call at a time per connection.
#pragma once

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "report/definition.hpp"
#include "report/parameters.hpp"
#include "store/sql_query.hpp"

namespace roomsd::report {

// A report's answer: its columns, its rows, and how fresh the mirror was.
struct ReportTable {
    std::vector<std::string> columns;
    std::vector<std::vector<store::SqlValue>> rows;
    std::optional<std::string> syncedAt; // earliest sync_state.last_success_at of the three streams
};

// One report, computed: what it is, with what, and its table.
struct ReportOutcome {
    const ReportDefinition* definition = nullptr;
    BoundReport bound;
    ReportTable table;
};

// Limits for one report query; larger than POST /sql's, as a report reads a whole period.
store::SqlLimits defaultReportLimits();

// Runs `def` bound with `bound` on `db` (from openMirror() or store::openReader()).
// Errors: NotFound for a --room the mirror does not have, Usage for a query SQLite
// refuses, Storage for anything else (a limit, I/O).
Result<ReportTable> runReport(SQLite::Database& db, const ReportDefinition& def, const BoundReport& bound,
                              const store::SqlLimits& limits, std::stop_token stop = {});

// Opens `path` read-only (SQLITE_OPEN_READONLY, query_only) and checks it is a roomsd
// mirror (its schema_migrations and tables); a Storage error saying why not.
Result<SQLite::Database> openMirror(const std::filesystem::path& path);

} // namespace roomsd::report
