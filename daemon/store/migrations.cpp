#include "store/migrations.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <boost/json.hpp>

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/strings.hpp"
#include "common/time.hpp"
#include "model/record_json.hpp"
#include "store/field_binding.hpp"

namespace roomsd::store {
namespace {

// FNV-1a: a cheap fingerprint that tells whether a released migration was edited.
std::string checksum(std::string_view text) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

// A database without our bookkeeping table but with tables of its own belongs to something else:
// migrating it would mix the mirror into another program's data.
void refuseForeignDatabase(SQLite::Database& db) {
    if (db.tableExists("schema_migrations")) return;
    SQLite::Statement objects(db, "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                                  " ORDER BY name LIMIT 4");
    std::string names;
    int count = 0;
    while (objects.executeStep()) {
        if (++count == 4) {
            names += ", ...";
            break;
        }
        names += (names.empty() ? "" : ", ") + quoteForLog(objects.getColumn(0).getString(), 64);
    }
    if (count > 0)
        throw StoreError("the database " + db.getFilename() + " was not created by roomsd (it holds " + names +
                         "); point storage.database at a file of roomsd's own");
}

// The columns of `table` as they are now (empty when it does not exist yet).
std::set<std::string> columnsOf(SQLite::Database& db, std::string_view table) {
    std::set<std::string> names;
    SQLite::Statement q(db, "SELECT name FROM pragma_table_info(?)");
    q.bind(1, std::string(table));
    while (q.executeStep()) names.insert(q.getColumn(0).getString());
    return names;
}

// Fills `fields` of every row of `schema`'s table from its upstream_json. A row whose JSON
// does not convert keeps NULL there (the writer would have kept the field out of its column too).
void refillColumns(SQLite::Database& db, const model::RecordSchema& schema, const std::vector<std::size_t>& fields) {
    std::string set;
    for (std::size_t f : fields) set += (set.empty() ? "" : ", ") + std::string(schema.fields[f].name) + " = ?";
    SQLite::Statement update(db, "UPDATE " + std::string(schema.table) + " SET " + set + " WHERE id = ?");
    SQLite::Statement rows(db, "SELECT id, upstream_json FROM " + std::string(schema.table));
    while (rows.executeStep()) {
        std::string id = rows.getColumn(0).getString();
        boost::json::error_code ec;
        boost::json::value json = boost::json::parse(rows.getColumn(1).getString(), ec);
        if (ec) continue;
        std::vector<std::string> rejected;
        auto record = model::recordFromJson(schema, json, rejected);
        if (!record) continue;
        int index = 1;
        for (std::size_t f : fields) bindFieldValue(update, index++, record->values[f]);
        update.bind(index, id);
        update.exec();
        update.reset();
        update.clearBindings();
    }
}

} // namespace

int migrate(SQLite::Database& db, std::span<const Migration> migrations,
            std::span<const model::RecordSchema* const> schemas) {
    try {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        refuseForeignDatabase(db);
        db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)");
        std::map<int, std::pair<std::string, std::string>> applied;
        SQLite::Statement query(db, "SELECT version, name, checksum FROM schema_migrations ORDER BY version");
        while (query.executeStep())
            applied[query.getColumn(0).getInt()] = {query.getColumn(1).getString(), query.getColumn(2).getString()};

        int known = migrations.empty() ? 0 : migrations.back().version;
        if (!applied.empty() && applied.rbegin()->first > known)
            throw StoreError("the database " + db.getFilename() + " has schema version " +
                             std::to_string(applied.rbegin()->first) + " (" + applied.rbegin()->second.first +
                             "), newer than this roomsd knows (" + std::to_string(known) +
                             "); run the roomsd that wrote it, or a newer one");
        std::map<const model::RecordSchema*, std::set<std::string>> columnsBefore;
        for (const model::RecordSchema* schema : schemas) columnsBefore[schema] = columnsOf(db, schema->table);
        int version = 0;
        for (const Migration& m : migrations) {
            auto done = applied.find(m.version);
            if (done != applied.end()) {
                if (done->second.second != checksum(m.sql))
                    throw StoreError("migration " + std::string(m.name) + " differs from the one applied to " +
                                     db.getFilename() + "; released migrations must never be edited");
            } else {
                db.exec(std::string(m.sql));
                SQLite::Statement record(db, "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
                                             " VALUES (?, ?, ?, ?)");
                record.bind(1, m.version);
                record.bind(2, std::string(m.name));
                record.bind(3, checksum(m.sql));
                record.bind(4, formatTimestamp(nowUtc()));
                record.exec();
            }
            version = m.version;
        }
        for (const model::RecordSchema* schema : schemas) {
            const std::set<std::string>& before = columnsBefore[schema];
            if (before.empty()) continue; // a table created now has no rows to fill
            std::set<std::string> after = columnsOf(db, schema->table);
            std::vector<std::size_t> added;
            for (std::size_t f = 0; f < schema->fields.size(); ++f) {
                std::string name(schema->fields[f].name);
                if (!before.contains(name) && after.contains(name)) added.push_back(f);
            }
            if (!added.empty()) refillColumns(db, *schema, added);
        }
        db.exec("PRAGMA user_version = " + std::to_string(version));
        tx.commit();
        return version;
    } catch (const SQLite::Exception& e) {
        throw StoreError("cannot migrate the database " + db.getFilename() + ": " + e.what());
    }
}

} // namespace roomsd::store
