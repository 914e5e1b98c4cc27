#include "store/bulk_load.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <string>
#include <utility>
#include <vector>

namespace roomsd::store {

Result<std::int64_t> beginBulkLoad(SQLite::Database& db) {
    try {
        // Read first, outside a write transaction: a mirror with records writes nothing.
        if (db.execAndGet("SELECT EXISTS (SELECT 1 FROM rooms) OR EXISTS (SELECT 1 FROM room_sessions) OR"
                          " EXISTS (SELECT 1 FROM room_participants) OR EXISTS (SELECT 1 FROM deferred_indexes)")
                .getInt() != 0)
            return std::int64_t{0};
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        // Secondary indexes have a CREATE text; a primary key's or a UNIQUE constraint's has none.
        std::vector<std::pair<std::string, std::string>> indexes;
        SQLite::Statement q(db, "SELECT name, sql FROM main.sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
                                " AND tbl_name IN ('rooms', 'room_sessions', 'room_participants') ORDER BY name");
        while (q.executeStep()) indexes.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
        SQLite::Statement keep(db, "INSERT INTO deferred_indexes (name, sql) VALUES (?, ?)");
        for (const auto& [name, sql] : indexes) {
            keep.reset();
            keep.bind(1, name);
            keep.bind(2, sql);
            keep.exec();
            // The name comes from sqlite_schema; quoted all the same.
            std::string quoted;
            for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
            db.exec("DROP INDEX main.\"" + quoted + "\"");
        }
        tx.commit();
        return static_cast<std::int64_t>(indexes.size());
    } catch (const std::exception& e) {
        return fail(ErrorKind::Storage, std::string("cannot defer the indexes of a first backfill: ") + e.what());
    }
}

Result<std::int64_t> endBulkLoad(SQLite::Database& db) {
    try {
        if (db.execAndGet("SELECT EXISTS (SELECT 1 FROM deferred_indexes)").getInt() == 0) return std::int64_t{0};
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        std::vector<std::string> sqls;
        SQLite::Statement q(db, "SELECT sql FROM deferred_indexes ORDER BY name");
        while (q.executeStep()) sqls.push_back(q.getColumn(0).getString());
        q.reset();
        for (const auto& sql : sqls) db.exec(sql);
        db.exec("DELETE FROM deferred_indexes");
        tx.commit();
        return static_cast<std::int64_t>(sqls.size());
    } catch (const std::exception& e) {
        return fail(ErrorKind::Storage, std::string("cannot create the indexes of the first backfill: ") + e.what());
    }
}

} // namespace roomsd::store
