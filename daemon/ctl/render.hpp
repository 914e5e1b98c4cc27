// How roomsctl shows the daemon's answers: tables for people, RFC 4180 CSV for programs.
//
// JSON output is the daemon's body unchanged and needs nothing here. Record
// columns are the record kind's schema fields in spec order (model/records.hpp):
// a table shows the fields marked inDefaultTable unless asked for others, CSV all of
// them. Tables escape what they print (see text.hpp) and show null as a marker
// ("NULL"), an empty string as nothing; CSV keeps the data byte for byte.
// Thread-safety: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/records.hpp"

namespace roomsd::ctl {

enum class Format { Table, Json, Csv, JsonLines };

// "table", "json", "csv" or "jsonl"; a Usage error otherwise.
Result<Format> parseFormat(std::string_view text);

// A JSON value as one cell: strings as they are, null as "", numbers and booleans as
// JSON writes them, arrays and objects as compact JSON.
std::string cellText(const boost::json::value& value);

// The meta object of a list answer; absent members stay empty.
struct PageMeta {
    std::optional<std::int64_t> pageNumber;
    std::optional<std::int64_t> pageSize;
    std::optional<std::int64_t> totalPages;
    std::optional<std::int64_t> totalResults;
};
PageMeta pageMeta(const boost::json::value& body);

// What a record or SQL table shows. Columns are the schema's field names (model/records.hpp).
struct TableOptions {
    std::vector<std::string> columns; // --columns: these fields, in this order; empty: see below
    bool wide = false;                // --wide: every field; else the fields marked inDefaultTable
    std::string nullText = "NULL";    // what a null shows as (sqlite3's .nullvalue); "" shows as nothing
    bool dimNull = false;             // dim the null marker (on a terminal)
};

// A Usage error naming the first of `columns` that is not a field of `schema`, with the valid names.
Result<void> checkColumns(const model::RecordSchema& schema, const std::vector<std::string>& columns);

// `records` as a table: one row per record, the columns of `options`. With `withChildren`
// (the children were asked for) each record's nested sessions or participants follow
// its row, indented, in their kind's default columns (less the parent's id); without
// it there are no such rows: the daemon sends an empty array then.
std::string recordsTable(const model::RecordSchema& schema, const boost::json::array& records, bool withChildren,
                         const TableOptions& options = {});

// `records` as CSV with a header row, CRLF line ends: the --columns asked for, else every
// field, and with `withChildren` a count of each record's children.
std::string recordsCsv(const model::RecordSchema& schema, const boost::json::array& records, bool withChildren,
                       const std::vector<std::string>& columns = {});

// One record as a two-column field/value table (every field, or --columns); with
// `withChildren`, a count row and a table of its nested children.
std::string recordDetail(const model::RecordSchema& schema, const boost::json::object& record, bool withChildren,
                         const TableOptions& options = {});

// The lines under a listing: "page 1 of 3, 55 results" (or, after --all,
// "55 results, all 3 pages"), then "mirror synced at ..." when the daemon said.
std::string listFooter(const PageMeta& meta, bool allPages, std::size_t recordsShown,
                       const std::optional<std::string>& syncedAt);

// GET /status as a summary for people: daemon, database, sync and telnyx lines,
// a table of the streams' state and one of their last runs.
std::string statusText(const boost::json::object& status);

// GET /status as CSV: one row per stream, its last run's members flattened into last_run_* columns.
std::string statusCsv(const boost::json::object& status);

// A POST /sql answer ({"columns":[...],"rows":[[...]]}) as a table, with a row count under it;
// numeric columns right-aligned, nulls shown as options.nullText.
std::string sqlTable(const boost::json::object& answer, const TableOptions& options = {});

// The same answer as CSV (null as an empty field), or as JSON lines (one object per row),
// as the daemon streams them: for a daemon that answered JSON to a request for either.
std::string sqlCsv(const boost::json::object& answer);
std::string sqlJsonLines(const boost::json::object& answer);

// Seconds as a short duration: "42s", "3m 12s", "2h 5m", "4d 3h".
std::string formatDuration(std::int64_t seconds);

// Bytes as a short size: "812 B", "12.4 KiB", "3.0 MiB", "1.2 GiB".
std::string formatBytes(std::int64_t bytes);

} // namespace roomsd::ctl
