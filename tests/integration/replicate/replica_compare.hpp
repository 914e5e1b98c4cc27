// Both sides of the replica in one canonical text form, for row-by-row comparison: every
// column of every row, by id, as text (timestamps "YYYY-MM-DDTHH:MM:SS.ffffffZ", booleans
// 0/1, integers in decimal, JSON re-serialized with its keys sorted, NULL as nullopt).
// The PostgreSQL side is read with the test's own libpq client and information_schema's
// column types, not through roomsd-replicate's code.
// Thread-safety: plain functions over connections the caller owns.
#pragma once

#include <SQLiteCpp/Database.h>

#include <map>
#include <optional>
#include <string>

#include "pg_server.hpp"

namespace roomsd::test {

using CanonicalRow = std::map<std::string, std::optional<std::string>>; // column -> value
using CanonicalTable = std::map<std::string, CanonicalRow>;             // id -> row

// `text` parsed as JSON and written again with object keys sorted at every level.
std::string canonicalJsonText(const std::string& text);

CanonicalTable pgTable(PgClient& pg, const std::string& schema, const std::string& table);
CanonicalTable sqliteTable(SQLite::Database& db, const std::string& table);

// The first difference between two tables ("rooms R1: deleted_at: mirror NULL, replica '...'"),
// "" when they are equal.
std::string firstDifference(const std::string& table, const CanonicalTable& mirror, const CanonicalTable& replica);

} // namespace roomsd::test
