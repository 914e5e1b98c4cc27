// ChangeFeed: bounded scans of change_log and the snapshot of the mirror's tables.
// Thread-safety: see change_feed.hpp.
#include "store/change_feed.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>

namespace roomsd::store {
namespace {

using model::RecordSchema;

Error storageError(const std::string& what, const std::exception& e) {
    return fail(ErrorKind::Storage, what + ": " + e.what());
}

// A column as the table stores it, typed by the schema (booleans are 0/1 INTEGERs).
model::FieldValue columnValue(const model::FieldSpec& field, const SQLite::Column& column) {
    if (column.isNull()) return std::monostate{};
    if (field.type == model::FieldType::Boolean && column.isInteger()) return column.getInt64() != 0;
    if (column.isInteger()) return static_cast<std::int64_t>(column.getInt64());
    return column.getString();
}

} // namespace

const RecordSchema* schemaOfKind(std::string_view kind) {
    for (const RecordSchema* schema : model::allSchemas())
        if (schema->table == kind) return schema;
    return nullptr;
}

FeedBounds readFeedBounds(SQLite::Database& db) {
    FeedBounds b;
    SQLite::Statement q(db, "SELECT (SELECT min(seq) FROM change_log), (SELECT max(seq) FROM change_log), "
                            "(SELECT through FROM change_log_trim WHERE id = 1), "
                            "(SELECT seq FROM sqlite_sequence WHERE name = 'change_log')");
    q.executeStep();
    std::int64_t through = q.getColumn(2).isNull() ? 0 : q.getColumn(2).getInt64();
    std::int64_t sequence = q.getColumn(3).isNull() ? 0 : q.getColumn(3).getInt64();
    b.trimmedThrough = through;
    if (q.getColumn(0).isNull()) {
        // Empty: everything ever written was trimmed (or nothing was written).
        b.lastSeq = std::max(sequence, through);
        b.oldestSeq = b.lastSeq + 1;
        return b;
    }
    // Retention deletes what it trims; past `through` all the same, should a row be left.
    b.oldestSeq = std::max(q.getColumn(0).getInt64(), through + 1);
    b.lastSeq = std::max(q.getColumn(1).getInt64(), sequence);
    // Gap-free but for the trimmed front.
    b.retained = std::max<std::int64_t>(0, q.getColumn(1).getInt64() - b.oldestSeq + 1);
    return b;
}

Result<FeedBounds> ChangeFeed::bounds() {
    try {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::DEFERRED);
        FeedBounds b = readFeedBounds(db_);
        tx.commit();
        return b;
    } catch (const std::exception& e) {
        return storageError("cannot read the change log", e);
    }
}

Result<ChangePage> ChangeFeed::page(std::int64_t since, std::int64_t limit, const RecordSchema* kind,
                                    std::int64_t scanRows) {
    if (limit < 1 || scanRows < 1) return fail(ErrorKind::Internal, "ChangeFeed::page: limit and scan must be >= 1");
    try {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::DEFERRED);
        ChangePage page;
        page.bounds = readFeedBounds(db_);
        page.nextSince = std::max(since, std::int64_t{0});
        std::int64_t from = page.nextSince;
        // With a filter, look at most scanRows seqs ahead; without one, the limit bounds the scan.
        std::int64_t upTo = page.bounds.lastSeq;
        if (kind != nullptr && from < upTo) upTo = std::min(upTo, from + scanRows);
        if (from >= upTo) {
            tx.commit();
            return page;
        }
        std::string sql = "SELECT seq, kind, record_id, op, fields, record, applied_at FROM change_log "
                          "WHERE seq > ? AND seq <= ?";
        if (kind != nullptr) sql += " AND kind = ?";
        sql += " ORDER BY seq LIMIT ?";
        SQLite::Statement q(db_, sql);
        q.bind(1, static_cast<int64_t>(from));
        q.bind(2, static_cast<int64_t>(upTo));
        int next = 3;
        if (kind != nullptr) q.bind(next++, std::string(kind->table));
        q.bind(next, static_cast<int64_t>(limit));
        while (q.executeStep()) {
            Change c;
            c.seq = q.getColumn(0).getInt64();
            c.schema = schemaOfKind(q.getColumn(1).getString());
            c.recordId = q.getColumn(2).getString();
            c.op = q.getColumn(3).getString();
            if (!q.getColumn(4).isNull()) c.fields = q.getColumn(4).getString();
            c.record = q.getColumn(5).getString();
            c.appliedAt = q.getColumn(6).getString();
            if (c.schema == nullptr) return fail(ErrorKind::Storage, "change " + std::to_string(c.seq) + ": bad kind");
            page.changes.push_back(std::move(c));
        }
        // A full page stops at its last change; a short one examined the whole range.
        page.nextSince = static_cast<std::int64_t>(page.changes.size()) == limit ? page.changes.back().seq : upTo;
        tx.commit();
        return page;
    } catch (const std::exception& e) {
        return storageError("cannot read the change log", e);
    }
}

Result<std::int64_t> ChangeFeed::snapshot(const RecordSchema* kind, SnapshotSink& sink, std::stop_token stop) {
    try {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::DEFERRED);
        // The first read fixes the transaction's snapshot: the seq and the rows agree.
        FeedBounds b = readFeedBounds(db_);
        if (!sink.begin(b.lastSeq, nowUtc())) return fail(ErrorKind::Cancelled, "the snapshot's reader went away");
        std::int64_t rows = 0;
        for (const RecordSchema* schema : model::allSchemas()) {
            if (kind != nullptr && kind != schema) continue;
            std::string columns;
            for (const model::FieldSpec& field : schema->fields) columns += std::string(field.name) + ", ";
            SQLite::Statement q(db_, "SELECT " + columns + "upstream_json, synced_at, deleted_at FROM " +
                                         std::string(schema->table) + " ORDER BY id");
            const int n = static_cast<int>(schema->fields.size());
            while (q.executeStep()) {
                if (stop.stop_requested()) return fail(ErrorKind::Cancelled, "the snapshot was stopped");
                TableRow row;
                row.schema = schema;
                row.values.reserve(schema->fields.size());
                for (int i = 0; i < n; ++i)
                    row.values.push_back(columnValue(schema->fields[static_cast<std::size_t>(i)], q.getColumn(i)));
                row.upstreamJson = q.getColumn(n).getString();
                row.syncedAt = q.getColumn(n + 1).getString();
                if (!q.getColumn(n + 2).isNull()) row.deletedAt = q.getColumn(n + 2).getString();
                if (!sink.row(row)) return fail(ErrorKind::Cancelled, "the snapshot's reader went away");
                ++rows;
            }
        }
        tx.commit();
        return rows;
    } catch (const std::exception& e) {
        return storageError("cannot read the snapshot", e);
    }
}

} // namespace roomsd::store
