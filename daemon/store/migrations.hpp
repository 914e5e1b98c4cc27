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

#include "model/records.hpp"
#include "store/errors.hpp"

namespace roomsd::store {

struct Migration {
    int version;
    std::string_view name; // file name, "0001_init.sql"
    std::string_view sql;
};

// The migrations compiled into this binary, in order (generated file).
std::span<const Migration> embeddedMigrations();

// Applies the missing `migrations`; returns the schema version afterwards. Throws StoreError.
//
// A migration that adds a column for a field of one of `schemas` gets it filled, in the same
// transaction, for every row already stored, from the row's upstream_json through the same
// conversion the writer uses (model::recordFromJson): the writer skips rows whose upstream
// copy did not change, so without this an old row would keep the new column empty forever.
int migrate(SQLite::Database& db, std::span<const Migration> migrations,
            std::span<const model::RecordSchema* const> schemas = model::allSchemas());

} // namespace roomsd::store
