#include "store/mirror_writer.hpp"

#include <SQLiteCpp/Transaction.h>

#include <boost/json.hpp>

namespace json = boost::json;

#include "store/field_binding.hpp"

namespace roomsd::store {
namespace {

using model::FieldValue;
using model::MirrorRecord;
using model::RecordSchema;

// True when `incoming` says nothing `stored` does not: every key it has, stored
// has with the same value. Two views of the same version (one thinner, say the
// copy embedded in another listing) must not overwrite each other forever.
bool isSubsetOf(const std::string& incoming, const std::string& stored) {
    json::error_code ec1, ec2;
    json::value in = json::parse(incoming, ec1);
    json::value st = json::parse(stored, ec2);
    if (ec1 || ec2 || !in.is_object() || !st.is_object()) return false;
    for (const auto& kv : in.get_object()) {
        auto it = st.get_object().find(kv.key());
        if (it == st.get_object().end() || it->value() != kv.value()) return false;
    }
    return true;
}

Result<void> storageError(const std::string& what, const std::exception& e) {
    return fail(ErrorKind::Storage, what + ": " + e.what());
}

} // namespace

WriteCounts& WriteCounts::operator+=(const WriteCounts& other) {
    inserted += other.inserted;
    updated += other.updated;
    unchanged += other.unchanged;
    return *this;
}

struct MirrorWriter::TableStatements {
    const RecordSchema* schema;
    SQLite::Statement select;
    SQLite::Statement insert;
    SQLite::Statement update;
    SQLite::Statement markDeleted;
    SQLite::Statement undelete;

    static std::string insertSql(const RecordSchema& s) {
        std::string cols, marks;
        for (const auto& f : s.fields) {
            cols += std::string(f.name) + ", ";
            marks += "?, ";
        }
        return "INSERT INTO " + std::string(s.table) + " (" + cols + "upstream_json, synced_at, deleted_at) VALUES (" +
               marks + "?, ?, NULL)";
    }
    static std::string updateSql(const RecordSchema& s) {
        std::string sets;
        for (std::size_t i = 1; i < s.fields.size(); ++i) sets += std::string(s.fields[i].name) + " = ?, ";
        return "UPDATE " + std::string(s.table) + " SET " + sets +
               "upstream_json = ?, synced_at = ?, deleted_at = NULL WHERE id = ?";
    }

    TableStatements(SQLite::Database& db, const RecordSchema& s)
        : schema(&s),
          select(db, "SELECT upstream_json, updated_at, deleted_at FROM " + std::string(s.table) + " WHERE id = ?"),
          insert(db, insertSql(s)), update(db, updateSql(s)),
          markDeleted(db, "UPDATE " + std::string(s.table) +
                              " SET deleted_at = ?, synced_at = ? WHERE id = ? AND deleted_at IS NULL"),
          undelete(db, "UPDATE " + std::string(s.table) + " SET deleted_at = NULL, synced_at = ? WHERE id = ?") {}
};

MirrorWriter::MirrorWriter(SQLite::Database& db, std::span<const RecordSchema* const> schemas) : db_(db) {
    db_.exec("CREATE TEMP TABLE IF NOT EXISTS walk_seen (id TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID");
    addSeen_ = std::make_unique<SQLite::Statement>(db_, "INSERT OR IGNORE INTO temp.walk_seen (id) VALUES (?)");
    for (const RecordSchema* schema : schemas) tables_.push_back(std::make_unique<TableStatements>(db_, *schema));
}

MirrorWriter::~MirrorWriter() = default;

MirrorWriter::TableStatements& MirrorWriter::statementsFor(const RecordSchema& schema) {
    for (auto& t : tables_)
        if (t->schema == &schema) return *t;
    throw std::logic_error("no statements for table " + std::string(schema.table));
}

Result<void> MirrorWriter::beginWalk() {
    try {
        db_.exec("DELETE FROM temp.walk_seen");
        walkSeen_ = 0;
        return {};
    } catch (const std::exception& e) {
        return storageError("cannot start a walk", e);
    }
}

WriteCounts MirrorWriter::upsertOne(const MirrorRecord& record, const std::string& now) {
    WriteCounts counts;
    TableStatements& t = statementsFor(*record.schema);
    t.select.reset();
    t.select.bindNoCopy(1, record.id);
    if (!t.select.executeStep()) {
        t.select.reset();
        t.insert.reset();
        t.insert.clearBindings();
        int i = 1;
        for (const auto& v : record.values) bindFieldValue(t.insert, i++, v);
        t.insert.bindNoCopy(i++, record.upstreamJson);
        t.insert.bindNoCopy(i++, now);
        t.insert.exec();
        counts.inserted = 1;
        return counts;
    }
    std::string storedJson = t.select.getColumn(0).getString();
    bool storedUpdatedNull = t.select.getColumn(1).isNull();
    std::string storedUpdated = storedUpdatedNull ? std::string() : t.select.getColumn(1).getString();
    bool deleted = !t.select.getColumn(2).isNull();
    t.select.reset();

    // Compared inside the ifs rather than through optionals: GCC 12 at -Os warns falsely that the
    // optional's payload may be uninitialized (maybe-uninitialized), which -Werror makes fatal.
    bool stale = false;
    bool sameVersion = false;
    if (record.updatedAt && !storedUpdatedNull) {
        if (auto storedTs = parseTimestamp(storedUpdated)) {
            stale = *record.updatedAt < *storedTs;
            sameVersion = *record.updatedAt == *storedTs;
        }
    }
    // A stale copy (a page fetched before a later one) or the same content keeps
    // the stored row; a listed record is live, so a deletion mark is lifted.
    bool keepStored =
        stale || record.upstreamJson == storedJson || (sameVersion && isSubsetOf(record.upstreamJson, storedJson));
    if (keepStored) {
        if (!deleted) {
            counts.unchanged = 1;
            return counts;
        }
        t.undelete.reset();
        t.undelete.bindNoCopy(1, now);
        t.undelete.bindNoCopy(2, record.id);
        t.undelete.exec();
        counts.updated = 1;
        return counts;
    }
    t.update.reset();
    t.update.clearBindings();
    int i = 1;
    for (std::size_t f = 1; f < record.values.size(); ++f) bindFieldValue(t.update, i++, record.values[f]);
    t.update.bindNoCopy(i++, record.upstreamJson);
    t.update.bindNoCopy(i++, now);
    t.update.bindNoCopy(i++, record.id);
    t.update.exec();
    counts.updated = 1;
    return counts;
}

Result<PageWrite> MirrorWriter::upsertPage(std::span<const MirrorRecord> records, Timestamp now) {
    std::string nowText = formatTimestamp(now);
    PageWrite result;
    std::int64_t seenBefore = walkSeen_;
    try {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
        for (const MirrorRecord& record : records) {
            result.counts += upsertOne(record, nowText);
            for (const MirrorRecord& child : record.children) result.embedded += upsertOne(child, nowText);
            addSeen_->reset();
            addSeen_->bindNoCopy(1, record.id);
            if (addSeen_->exec() == 1) ++result.newToWalk;
        }
        tx.commit();
    } catch (const std::exception& e) {
        walkSeen_ = seenBefore;
        return fail(ErrorKind::Storage, std::string("cannot write a page to the mirror: ") + e.what());
    }
    walkSeen_ += result.newToWalk;
    return result;
}

Result<std::vector<std::string>> MirrorWriter::unseenLiveIds(const RecordSchema& schema, std::size_t limit) {
    try {
        SQLite::Statement q(db_, "SELECT id FROM main." + std::string(schema.table) +
                                     " WHERE deleted_at IS NULL AND id NOT IN (SELECT id FROM temp.walk_seen)"
                                     " ORDER BY id LIMIT ?");
        q.bind(1, static_cast<int64_t>(limit));
        std::vector<std::string> ids;
        while (q.executeStep()) ids.push_back(q.getColumn(0).getString());
        return ids;
    } catch (const std::exception& e) {
        return fail(ErrorKind::Storage, std::string("cannot list unseen records: ") + e.what());
    }
}

Result<std::int64_t> MirrorWriter::liveCount(const RecordSchema& schema) {
    try {
        return static_cast<std::int64_t>(
            db_.execAndGet("SELECT count(*) FROM main." + std::string(schema.table) + " WHERE deleted_at IS NULL")
                .getInt64());
    } catch (const std::exception& e) {
        return fail(ErrorKind::Storage, std::string("cannot count records: ") + e.what());
    }
}

Result<void> MirrorWriter::markSeen(std::string_view id) {
    try {
        std::string copy(id);
        addSeen_->reset();
        addSeen_->bindNoCopy(1, copy);
        if (addSeen_->exec() == 1) ++walkSeen_;
        return {};
    } catch (const std::exception& e) {
        return storageError("cannot remember a checked record", e);
    }
}

Result<bool> MirrorWriter::markDeleted(const RecordSchema& schema, std::string_view id, Timestamp now) {
    try {
        TableStatements& t = statementsFor(schema);
        std::string nowText = formatTimestamp(now);
        std::string copy(id);
        t.markDeleted.reset();
        t.markDeleted.bindNoCopy(1, nowText);
        t.markDeleted.bindNoCopy(2, nowText);
        t.markDeleted.bindNoCopy(3, copy);
        return t.markDeleted.exec() == 1;
    } catch (const std::exception& e) {
        return fail(ErrorKind::Storage, std::string("cannot mark a record deleted: ") + e.what());
    }
}

} // namespace roomsd::store
