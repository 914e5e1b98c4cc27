// SqlRunner: runs one read-only SQL statement from a client of POST /sql.
//
// The statement may only read the documented tables and views (see
// sqlReadableTables()); an authorizer refuses everything else at prepare time
// (writes, ATTACH, PRAGMA, transactions, DDL, load_extension), and a statement
// SQLite does not call read-only (VACUUM, say) is refused too. A progress
// handler stops the statement at its deadline or when the caller's stop token
// fires; past a row or byte limit the statement stops with TooLarge (the API
// refuses a buffered answer then; an export it streams ends cut short).
// The connection must come from openReader() (read-only, query_only, no
// extensions, defensive): the authorizer is the second wall, not the only one.
// Read-only schema pragmas (table_info, table_xinfo, table_list, index_list,
// index_info, index_xinfo, foreign_key_list) are allowed, as statements and as
// pragma_*() table-valued functions; a refusal names the statement refused
// (DROP TABLE, CREATE TABLE, ANALYZE), not the internal step SQLite asked about first.
// The statement and the freshness of the mirror (sync_state) are read in one
// read transaction.
// Thread-safety: one SqlRunner per connection; run() on one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <variant>

#include "common/result.hpp"
#include "common/time.hpp"

namespace roomsd::store {

struct SqlBlob {
    std::string bytes;
};

// One result value: NULL, INTEGER, REAL, TEXT or BLOB.
using SqlValue = std::variant<std::monostate, std::int64_t, double, std::string, SqlBlob>;

// One bound parameter (?1..?n): NULL, INTEGER, REAL or TEXT.
using SqlParam = std::variant<std::monostate, std::int64_t, double, std::string>;

struct SqlLimits {
    std::chrono::milliseconds timeout{5000};
    std::int64_t maxRows = 10000;     // an export that streams its rows has no row limit: INT64_MAX
    std::size_t maxBytes = 16u << 20; // the whole answer
    std::size_t maxValueBytes = 0;    // the longest single value; 0: maxBytes
    std::string_view maxBytesKey = "server.sql_max_bytes"; // the setting maxBytes comes from, for messages
};

// Receives the answer while the statement runs (an encoder, JSON or CSV).
class SqlSink {
public:
    virtual ~SqlSink() = default;
    // The mirror's freshness in the statement's snapshot, before columns().
    virtual void snapshot(const std::optional<Timestamp>& syncedAt) { (void)syncedAt; }
    // The statement was accepted (prepared, parameters bound): its column names, before any row.
    virtual void columns(std::span<const std::string> names) = 0;
    // Adds one row; returns the size of the answer so far, in bytes.
    virtual std::size_t row(std::span<const SqlValue> values) = 0;
};

// A statement answered: the sink holds the whole answer.
struct SqlAnswer {
    std::int64_t rows = 0;
    std::optional<Timestamp> syncedAt; // last completed pass of all three streams, see lastSyncedAt
};

class SqlRunner {
public:
    // Applies the per-connection limits (longest string or blob = limits.maxBytes).
    SqlRunner(SQLite::Database& db, const SqlLimits& limits);

    // Runs `sql` with `params` bound to ?1..?n, feeding `sink`. Never throws. Why a statement
    // was not answered is the Error's kind, which the API maps to an HTTP status: Usage (empty,
    // syntax error, unknown table, more than one statement, wrong parameters), Forbidden
    // (anything but reading the documented tables and views), TooLarge (more rows or bytes than
    // the limits allow), Timeout, Cancelled (the stop token fired), Storage (I/O, corruption).
    Result<SqlAnswer> run(std::string_view sql, std::span<const SqlParam> params, SqlSink& sink, std::stop_token stop);

private:
    SQLite::Database& db_;
    SqlLimits limits_;
};

// The tables and views a statement may read.
std::span<const std::string_view> sqlReadableTables();

} // namespace roomsd::store
