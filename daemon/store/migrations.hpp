// Schema migrations: schema/NNNN_name.sql, embedded in the binary at build time.
//
// On start every migration the database lacks is applied, all of them in one
// transaction, each recorded in schema_migrations with a checksum of its text.
// A database that holds a migration this build does not know (a newer roomsd
// wrote it), or whose applied migration text changed since, is refused.
// Thread-safety: call with the one writer connection.
#pragma once

#include <SQLiteCpp/Database.h>

#include <span>
#include <stdexcept>
#include <string_view>

namespace roomsd::store {

struct Migration {
    int version;
    std::string_view name; // file name, "0001_init.sql"
    std::string_view sql;
};

// The migrations compiled into this binary, in order (generated file).
std::span<const Migration> embeddedMigrations();

// Thrown at start-up when the database cannot be opened or migrated.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Applies the missing `migrations`; returns the schema version afterwards. Throws StoreError.
int migrate(SQLite::Database& db, std::span<const Migration> migrations);

} // namespace roomsd::store
