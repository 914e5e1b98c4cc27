#include "store/sync_state.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace roomsd::store {
namespace {

std::optional<std::string> optionalText(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getString();
}

void bindOptional(SQLite::Statement& stmt, int index, const std::optional<std::string>& value) {
    if (value)
        stmt.bind(index, *value);
    else
        stmt.bind(index);
}

} // namespace

Result<StreamState> SyncStateStore::load(const std::string& stream) {
    try {
        SQLite::Statement q(db_, "SELECT cursor, last_full_at, last_success_at FROM sync_state WHERE stream = ?");
        q.bind(1, stream);
        StreamState state;
        if (q.executeStep()) {
            state.cursor = optionalText(q.getColumn(0));
            state.lastFullAt = optionalText(q.getColumn(1));
            state.lastSuccessAt = optionalText(q.getColumn(2));
        }
        return state;
    } catch (const std::exception& e) {
        return fail(ErrorKind::Storage, "cannot read the sync state of " + stream + ": " + e.what());
    }
}

Result<void> SyncStateStore::recordPass(const SyncRun& run, const std::optional<StreamState>& newState,
                                        Timestamp pruneBefore) {
    try {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
        SQLite::Statement insert(
            db_,
            "INSERT INTO sync_runs (stream, mode, filter_date, started_at, finished_at, outcome, message,"
            " requests, retries, pages, walks, records_seen, inserted, updated, unchanged, deleted, embedded_written,"
            " errors, cursor_before, cursor_after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        int i = 1;
        insert.bind(i++, run.stream);
        insert.bind(i++, run.mode);
        bindOptional(insert, i++, run.filterDate);
        insert.bind(i++, run.startedAt);
        insert.bind(i++, run.finishedAt);
        insert.bind(i++, run.outcome);
        if (run.message.empty())
            insert.bind(i++);
        else
            insert.bind(i++, run.message);
        for (std::int64_t n : {run.requests, run.retries, run.pages, run.walks, run.recordsSeen, run.inserted,
                               run.updated, run.unchanged, run.deleted, run.embeddedWritten, run.errors})
            insert.bind(i++, static_cast<int64_t>(n));
        bindOptional(insert, i++, run.cursorBefore);
        bindOptional(insert, i++, run.cursorAfter);
        insert.exec();

        if (newState) {
            SQLite::Statement upsert(
                db_, "INSERT INTO sync_state (stream, cursor, last_full_at, last_success_at) VALUES (?, ?, ?, ?)"
                     " ON CONFLICT (stream) DO UPDATE SET cursor = excluded.cursor,"
                     " last_full_at = excluded.last_full_at, last_success_at = excluded.last_success_at");
            upsert.bind(1, run.stream);
            bindOptional(upsert, 2, newState->cursor);
            bindOptional(upsert, 3, newState->lastFullAt);
            bindOptional(upsert, 4, newState->lastSuccessAt);
            upsert.exec();
        }
        SQLite::Statement prune(db_, "DELETE FROM sync_runs WHERE finished_at < ?");
        prune.bind(1, formatTimestamp(pruneBefore));
        prune.exec();
        tx.commit();
        return {};
    } catch (const std::exception& e) {
        return fail(ErrorKind::Storage, "cannot record the pass of " + run.stream + ": " + e.what());
    }
}

} // namespace roomsd::store
