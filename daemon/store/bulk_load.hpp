// Bulk load: a first backfill writes its rows without the secondary indexes, then builds them.
//
// beginBulkLoad() drops every secondary index of the three record tables when they are all empty,
// keeping each index's CREATE text in deferred_indexes (schema/0007_deferred_indexes.sql), in one
// transaction; endBulkLoad() creates them again from that text and forgets it, in one transaction,
// so the schema afterwards is the one the migrations made. The primary keys stay (the writer looks
// records up by id), and so do the triggers. openWriter() ends a bulk load a killed roomsd left
// before it migrates, so a migration always finds the indexes it expects.
// Reads during a bulk load are right but slower (no index to order or filter by).
// Thread-safety: the writer connection, one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>

#include "common/result.hpp"

namespace roomsd::store {

// Drops the secondary indexes if the record tables are empty and no bulk load is pending; the
// number of indexes dropped (0: nothing done).
Result<std::int64_t> beginBulkLoad(SQLite::Database& db);

// Creates the indexes a bulk load dropped; the number created (0 when none was pending).
Result<std::int64_t> endBulkLoad(SQLite::Database& db);

} // namespace roomsd::store
