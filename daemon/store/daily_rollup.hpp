// The room_daily_activity rollup (schema/0005_daily_rollup.sql): recomputes the rows of the rooms
// the triggers named in room_daily_dirty, and empties it, in one transaction.
// Thread-safety: runs on the writer connection; one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>

#include "common/result.hpp"

namespace roomsd::store {

// The number of rooms recomputed (0, and nothing written, when none was pending).
Result<std::int64_t> refreshDailyRollup(SQLite::Database& db);

} // namespace roomsd::store
