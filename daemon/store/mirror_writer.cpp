#include "store/mirror_writer.hpp"

#include <SQLiteCpp/Transaction.h>

#include <boost/json.hpp>

namespace json = boost::json;

#include "store/daily_rollup.hpp"
#include "store/field_binding.hpp"
#include "store/mirror_reader.hpp"

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
    SQLite::Statement insertIfNew; // INSERT OR IGNORE: tried first while records keep being new
    SQLite::Statement update;
    bool lastWasNew = false;
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
          insert(db, insertSql(s)), insertIfNew(db, "INSERT OR IGNORE" + insertSql(s).substr(6)),
          update(db, updateSql(s)),
          markDeleted(db, "UPDATE " + std::string(s.table) +
                              " SET deleted_at = ?, synced_at = ? WHERE id = ? AND deleted_at IS NULL"
                              " RETURNING upstream_json"),
          undelete(db, "UPDATE " + std::string(s.table) + " SET deleted_at = NULL, synced_at = ? WHERE id = ?") {}
};

MirrorWriter::MirrorWriter(SQLite::Database& db, std::span<const RecordSchema* const> schemas)
    : db_(db), changes_(db), seen_(db) {
    for (const RecordSchema* schema : schemas) tables_.push_back(std::make_unique<TableStatements>(db_, *schema));
}

MirrorWriter::~MirrorWriter() = default;

MirrorWriter::TableStatements& MirrorWriter::statementsFor(const RecordSchema& schema) {
    for (auto& t : tables_)
        if (t->schema == &schema) return *t;
    throw std::logic_error("no statements for table " + std::string(schema.table));
}

void MirrorWriter::resetStatements() noexcept {
    // A statement that failed (SQLITE_FULL, say) and is not reset keeps the connection's
    // pager in its error state, so that the next write fails too, space or not.
    auto reset = [](SQLite::Statement& statement) noexcept {
        try {
            statement.reset();
        } catch (...) {
            // reset() reports the error the statement last had: it has been reported already.
        }
    };
    for (auto& t : tables_) {
        for (SQLite::Statement* st :
             {&t->select, &t->insert, &t->insertIfNew, &t->update, &t->markDeleted, &t->undelete})
            reset(*st);
    }
    seen_.reset();
    changes_.reset();
}

void MirrorWriter::openBatch() {
    if (batch_) return;
    batch_ = std::make_unique<SQLite::Transaction>(db_, SQLite::TransactionBehavior::IMMEDIATE);
    batchOpened_ = std::chrono::steady_clock::now();
    batchRecords_ = 0;
}

void MirrorWriter::commitUnlessBatching() {
    if (!batch_) return;
    if (!batching_ || batchRecords_ >= kBatchRecords ||
        std::chrono::steady_clock::now() - batchOpened_ >= kBatchMillis) {
        batch_->commit();
        batch_.reset();
    }
}

Result<void> MirrorWriter::flush() {
    if (!batch_) return {};
    try {
        batch_->commit();
        batch_.reset();
        return {};
    } catch (const std::exception& e) {
        resetStatements();
        batch_.reset();
        return storageError("cannot commit pages to the mirror", e);
    }
}

Result<void> MirrorWriter::commitIfDue() {
    if (!batch_) return {};
    if (batchRecords_ < kBatchRecords && std::chrono::steady_clock::now() - batchOpened_ < kBatchMillis) return {};
    return flush();
}

Result<void> MirrorWriter::beginPass(bool checksDeletions) {
    try {
        seen_.clear(checksDeletions);
        walk_ = 1;
        walkSeen_ = 0;
        passSeen_ = 0;
        return {};
    } catch (const std::exception& e) {
        resetStatements();
        return storageError("cannot start a pass", e);
    }
}

void MirrorWriter::beginWalk() {
    ++walk_;
    walkSeen_ = 0;
}

WalkSeen::Novelty MirrorWriter::remember(std::string_view id) { return seen_.add(id, walk_); }

WriteCounts MirrorWriter::upsertOne(const MirrorRecord& record, const std::string& now) {
    WriteCounts counts;
    TableStatements& t = statementsFor(*record.schema);
    auto bindRow = [&](SQLite::Statement& insert) {
        insert.reset();
        insert.clearBindings();
        int i = 1;
        for (const auto& v : record.values) bindFieldValue(insert, i++, v);
        insert.bindNoCopy(i++, record.upstreamJson);
        insert.bindNoCopy(i++, now);
    };
    // In a backfill nearly every record is new: inserting straight away saves a lookup per
    // record. A record that is there already (OR IGNORE) goes the usual way, and the next
    // record of the table is looked up first again.
    if (t.lastWasNew) {
        bindRow(t.insertIfNew);
        if (t.insertIfNew.exec() == 1) {
            changes_.append(t.schema->table, record.id, ChangeOp::Insert, std::nullopt, record.upstreamJson, now);
            counts.inserted = 1;
            return counts;
        }
        t.lastWasNew = false;
    }
    t.select.reset();
    t.select.bindNoCopy(1, record.id);
    if (!t.select.executeStep()) {
        t.select.reset();
        bindRow(t.insert);
        t.insert.exec();
        changes_.append(t.schema->table, record.id, ChangeOp::Insert, std::nullopt, record.upstreamJson, now);
        counts.inserted = 1;
        t.lastWasNew = true;
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
        changes_.append(t.schema->table, record.id, ChangeOp::Restore, R"(["deleted_at"])", storedJson, now);
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
    changes_.append(t.schema->table, record.id, deleted ? ChangeOp::Restore : ChangeOp::Update,
                    changedFields(storedJson, record.upstreamJson, deleted ? "deleted_at" : ""), record.upstreamJson,
                    now);
    counts.updated = 1;
    return counts;
}

Result<PageWrite> MirrorWriter::upsertPage(std::span<const MirrorRecord> records, Timestamp now) {
    std::string nowText = formatTimestamp(now);
    PageWrite result;
    try {
        // A page that fails to write ends its pass, and the ids it added to the seen set with it.
        openBatch();
        for (std::size_t i = 0; i < records.size(); ++i) {
            const MirrorRecord& record = records[i];
            WriteCounts counts = upsertOne(record, nowText);
            if (counts.inserted + counts.updated > 0) result.written.push_back(i);
            result.counts += counts;
            for (const MirrorRecord& child : record.children) result.embedded += upsertOne(child, nowText);
            WalkSeen::Novelty novelty = remember(record.id);
            if (novelty.toWalk) ++result.newToWalk;
            if (novelty.toPass) result.newToPass.push_back(i);
        }
        batchRecords_ += static_cast<std::int64_t>(records.size());
        commitUnlessBatching();
    } catch (const std::exception& e) {
        resetStatements();
        batch_.reset(); // rolls the batch back
        return fail(ErrorKind::Storage, std::string("cannot write a page to the mirror: ") + e.what());
    }
    walkSeen_ += result.newToWalk;
    passSeen_ += static_cast<std::int64_t>(result.newToPass.size());
    return result;
}

Result<std::vector<std::string>> MirrorWriter::unseenLiveIds(const RecordSchema& schema, std::size_t limit) {
    try {
        seen_.toTable();
        SQLite::Statement q(db_,
                            "SELECT id FROM main." + std::string(schema.table) +
                                " WHERE deleted_at IS NULL AND id NOT IN (SELECT id FROM temp.walk_seen WHERE walk = ?)"
                                " ORDER BY id LIMIT ?");
        q.bind(1, static_cast<int64_t>(walk_));
        q.bind(2, static_cast<int64_t>(limit));
        std::vector<std::string> ids;
        while (q.executeStep()) ids.push_back(q.getColumn(0).getString());
        return ids;
    } catch (const std::exception& e) {
        resetStatements();
        return fail(ErrorKind::Storage, std::string("cannot list unseen records: ") + e.what());
    }
}

Result<std::int64_t> MirrorWriter::liveCount(const RecordSchema& schema) {
    try {
        return static_cast<std::int64_t>(db_.execAndGet(liveCountSql(schema.table)).getInt64());
    } catch (const std::exception& e) {
        resetStatements();
        return fail(ErrorKind::Storage, std::string("cannot count records: ") + e.what());
    }
}

Result<void> MirrorWriter::markSeen(std::string_view id) {
    try {
        WalkSeen::Novelty novelty = remember(id);
        if (novelty.toWalk) ++walkSeen_;
        if (novelty.toPass) ++passSeen_;
        return {};
    } catch (const std::exception& e) {
        resetStatements();
        return storageError("cannot remember a checked record", e);
    }
}

Result<std::optional<Timestamp>> MirrorWriter::lastWritten(const RecordSchema& schema, std::string_view id) {
    try {
        SQLite::Statement q(db_, "SELECT synced_at FROM main." + std::string(schema.table) +
                                     " WHERE id = ? AND deleted_at IS NULL");
        q.bind(1, std::string(id));
        if (!q.executeStep()) return std::optional<Timestamp>();
        return parseTimestamp(q.getColumn(0).getString());
    } catch (const std::exception& e) {
        resetStatements();
        return fail(ErrorKind::Storage, std::string("cannot read when a record was written: ") + e.what());
    }
}

Result<bool> MirrorWriter::markDeleted(const RecordSchema& schema, std::string_view id, Timestamp now) {
    try {
        TableStatements& t = statementsFor(schema);
        std::string nowText = formatTimestamp(now);
        std::string copy(id);
        openBatch();
        t.markDeleted.reset();
        t.markDeleted.bindNoCopy(1, nowText);
        t.markDeleted.bindNoCopy(2, nowText);
        t.markDeleted.bindNoCopy(3, copy);
        bool marked = t.markDeleted.executeStep();
        if (marked) {
            std::string storedJson = t.markDeleted.getColumn(0).getString();
            t.markDeleted.reset();
            changes_.append(schema.table, copy, ChangeOp::Delete, R"(["deleted_at"])", storedJson, nowText);
            ++batchRecords_;
        }
        t.markDeleted.reset();
        commitUnlessBatching();
        return marked;
    } catch (const std::exception& e) {
        resetStatements();
        batch_.reset(); // rolls the batch back
        return fail(ErrorKind::Storage, std::string("cannot mark a record deleted: ") + e.what());
    }
}

Result<std::int64_t> MirrorWriter::refreshRollups() {
    if (auto flushed = flush(); !flushed) return std::move(flushed).error();
    return refreshDailyRollup(db_);
}

Result<std::int64_t> MirrorWriter::lastChangeSeq() {
    try {
        return changes_.lastSeq();
    } catch (const std::exception& e) {
        resetStatements();
        return fail(ErrorKind::Storage, std::string("cannot read the change log's last seq: ") + e.what());
    }
}

Result<std::optional<std::vector<std::string>>> MirrorWriter::idsChangedAfter(const RecordSchema& schema,
                                                                              std::int64_t after, std::int64_t limit) {
    try {
        return changes_.idsChangedAfter(schema.table, after, limit);
    } catch (const std::exception& e) {
        resetStatements();
        return fail(ErrorKind::Storage, std::string("cannot read the change log: ") + e.what());
    }
}

Result<TrimResult> MirrorWriter::trimChanges(const ChangeRetention& policy, Timestamp now) {
    if (auto flushed = flush(); !flushed) return std::move(flushed).error();
    return changes_.trim(policy, now);
}

} // namespace roomsd::store
