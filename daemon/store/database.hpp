// Opening the mirror's SQLite database: one writer connection, any number of readers.
//
// The writer runs in WAL mode (readers never block it, nor it them), creates
// the database and its directory if missing, and applies the migrations.
// Readers are read-only connections that cannot write even by mistake.
// Thread-safety: a connection belongs to one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>

#include <filesystem>

#include "store/errors.hpp"

namespace roomsd::store {

// Opens (creating if needed) and migrates the database for writing. Throws StoreError.
SQLite::Database openWriter(const std::filesystem::path& path);

// Opens an existing database read-only (query_only, no extensions). Throws StoreError.
SQLite::Database openReader(const std::filesystem::path& path);

} // namespace roomsd::store
