#include "store/database.hpp"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include "store/bulk_load.hpp"
#include "store/migrations.hpp"

namespace fs = std::filesystem;

namespace roomsd::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;

void applyCommonPragmas(SQLite::Database& db) {
    db.setBusyTimeout(kBusyTimeoutMs);
    // Extensions stay off, and the defensive flag stops SQL from corrupting the file on purpose.
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
}

} // namespace

SQLite::Database openWriter(const fs::path& path) {
    try {
        std::error_code ec;
        if (path.has_parent_path() && !fs::exists(path.parent_path(), ec)) {
            fs::create_directories(path.parent_path(), ec);
            if (ec)
                throw StoreError("cannot create the directory " + path.parent_path().string() +
                                 " for the database: " + ec.message());
        }
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
        applyCommonPragmas(db);
        std::string mode = db.execAndGet("PRAGMA journal_mode = WAL").getString();
        if (mode != "wal")
            throw StoreError("the database " + path.string() + " cannot use WAL mode (journal_mode is " + mode +
                             "); put it on a local file system");
        // NORMAL is durable against a crash of roomsd; after a power loss the last
        // transactions may be missing, but the cursor is in the same database, so
        // the next pass simply fetches them again.
        db.exec("PRAGMA synchronous = NORMAL");
        db.exec("PRAGMA journal_size_limit = 67108864");
        db.exec("PRAGMA foreign_keys = OFF");
        db.exec("PRAGMA temp_store = FILE");
        // A first backfill killed while its indexes were deferred: they come back before any
        // migration runs, so that each finds the schema it was written for.
        if (db.tableExists("deferred_indexes")) {
            if (auto ended = endBulkLoad(db); !ended) throw StoreError(ended.error().message);
        }
        migrate(db, embeddedMigrations());
        return db;
    } catch (const SQLite::Exception& e) {
        throw StoreError("cannot open the database " + path.string() + ": " + e.what());
    }
}

SQLite::Database openReader(const fs::path& path) {
    try {
        SQLite::Database db(path, SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX);
        applyCommonPragmas(db);
        db.exec("PRAGMA query_only = ON");
        return db;
    } catch (const SQLite::Exception& e) {
        throw StoreError("cannot open the database " + path.string() + " for reading: " + e.what());
    }
}

} // namespace roomsd::store
