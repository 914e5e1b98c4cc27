#include "store/daily_rollup.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <string>

namespace roomsd::store {

Result<std::int64_t> refreshDailyRollup(SQLite::Database& db) {
    try {
        // Read first, outside a write transaction: a cycle that changed nothing writes nothing.
        if (db.execAndGet("SELECT EXISTS (SELECT 1 FROM room_daily_dirty)").getInt() == 0) return std::int64_t{0};
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        std::int64_t rooms = db.execAndGet("SELECT count(*) FROM room_daily_dirty").getInt64();
        db.exec("DELETE FROM room_daily_rollup WHERE room_id IN (SELECT room_id FROM room_daily_dirty)");
        // room_daily_pending never yields a NULL room (those rows stay computed by the view).
        db.exec("INSERT INTO room_daily_rollup (room_id, day, unique_name, sessions_started, participants_joined,"
                " participant_seconds) SELECT room_id, day, unique_name, sessions_started, participants_joined,"
                " participant_seconds FROM room_daily_pending");
        db.exec("DELETE FROM room_daily_dirty");
        tx.commit();
        return rooms;
    } catch (const std::exception& e) {
        return fail(ErrorKind::Storage, std::string("cannot refresh the daily activity rollup: ") + e.what());
    }
}

} // namespace roomsd::store
