// How roomsctl shows the daemon's answers: tables for people, RFC 4180 CSV for programs.
//
// JSON output is the daemon's body unchanged and needs nothing here. Record
// columns are the record kind's schema fields in spec order (model/records.hpp);
// nested sessions or participants show as a count column. Tables escape what they
// print (see text.hpp); CSV keeps the data byte for byte.
// Thread-safety: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "model/records.hpp"

namespace roomsd::ctl {

enum class Format { Table, Json, Csv };

// "table", "json" or "csv"; a Usage error otherwise.
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

// `records` as a table: one row per record, the schema's fields as columns, and with
// `withChildren` (the children were asked for) a count of each record's nested
// sessions or participants. Without it there is no such column: the daemon sends
// an empty array then, and a count of 0 would be a lie.
std::string recordsTable(const model::RecordSchema& schema, const boost::json::array& records, bool withChildren);

// `records` as CSV with a header row, the same columns as recordsTable(), CRLF line ends.
std::string recordsCsv(const model::RecordSchema& schema, const boost::json::array& records, bool withChildren);

// One record as a two-column field/value table; with `withChildren`, a count row and
// a table of its nested children (a room's sessions, a session's participants).
std::string recordDetail(const model::RecordSchema& schema, const boost::json::object& record, bool withChildren);

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
// numeric columns right-aligned.
std::string sqlTable(const boost::json::object& answer);

// Seconds as a short duration: "42s", "3m 12s", "2h 5m", "4d 3h".
std::string formatDuration(std::int64_t seconds);

// Bytes as a short size: "812 B", "12.4 KiB", "3.0 MiB", "1.2 GiB".
std::string formatBytes(std::int64_t bytes);

} // namespace roomsd::ctl
