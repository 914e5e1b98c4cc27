// The replica's tables and views in PostgreSQL, derived from model::RecordSchema: their
// columns and types, the statements that create them, and the check that what is already
// in the schema has exactly that shape.
//
// Each mirror table becomes a table of the same name and columns: TEXT -> text, INTEGER ->
// bigint, the spec's booleans -> boolean, timestamps -> timestamptz, upstream_json -> jsonb,
// synced_at and deleted_at -> timestamptz. The analytics views of schema/0002 are translated
// with the same names, columns and results. replica_state holds, per consumer, the last seq
// applied, committed in the same transaction as the rows it stands for.
// Thread-safety: pure functions, and statements on a connection the caller owns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/records.hpp"
#include "replicate/pg_connection.hpp"

namespace roomsd::replicate {

inline constexpr std::string_view kStateTable = "replica_state";

struct ReplicaColumn {
    std::string name;      // as in the mirror
    std::string_view type; // PostgreSQL's name for it in information_schema ("bigint")
    model::FieldType kind; // what the mirror's JSON holds (upstream_json: String)
    bool json = false;     // upstream_json
};

// The columns of `schema`'s table: its fields in order, then upstream_json, synced_at, deleted_at.
const std::vector<ReplicaColumn>& replicaColumns(const model::RecordSchema& schema);

// Creates what is missing (the schema, the tables, their indexes, the state table) and then
// checks the shape of all four tables against information_schema, then (re)creates the
// views. A table or column that differs is an ErrorKind::Config whose message names the
// table and column, says how it differs and what to do; nothing is written into it.
// Answers whether a data table had to be created (it was missing: its rows need a snapshot).
Result<bool> prepareSchema(PgConnection& conn, const std::string& schemaName);

// Only the check of prepareSchema (after a reconnect: someone may have changed a table since).
Result<void> checkShape(PgConnection& conn, const std::string& schemaName);

// The views' SQL for `schemaName` (exposed for the tests that compare them with the mirror's).
std::string viewStatements(const std::string& schemaName);

} // namespace roomsd::replicate
