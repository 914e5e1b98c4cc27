// SyncStateStore: the sync_state and sync_runs statements, built from the column tables of sync_run.hpp.
// Thread-safety: see sync_state.hpp.
#include "store/sync_state.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

namespace roomsd::store {
namespace {

std::optional<std::string> optionalText(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getString();
}

std::optional<Timestamp> optionalTime(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return parseTimestamp(c.getString());
}

void bindOptional(SQLite::Statement& stmt, int index, const std::optional<std::string>& value) {
    if (value)
        stmt.bind(index, *value);
    else
        stmt.bind(index);
}

void bindTime(SQLite::Statement& stmt, int index, const std::optional<Timestamp>& value) {
    bindOptional(stmt, index, value ? std::optional(formatTimestamp(*value)) : std::nullopt);
}

std::string joined(std::string_view separator, auto&& piece) {
    std::string out;
    for (std::string_view name : runColumnNames()) {
        if (!out.empty()) out += separator;
        out += piece(name);
    }
    return out;
}

const std::string& insertSql() {
    static const std::string sql = "INSERT INTO sync_runs (" + joined(", ", [](auto n) { return std::string(n); }) +
                                   ") VALUES (" + joined(", ", [](auto) { return std::string("?"); }) + ")";
    return sql;
}

const std::string& lastRunSql() {
    static const std::string sql = "SELECT " + joined(", ", [](auto n) { return std::string(n); }) +
                                   " FROM sync_runs WHERE stream = ? ORDER BY id DESC LIMIT 1";
    return sql;
}

const RunColumn* runColumnNamed(std::string_view name) {
    for (const RunColumn& c : runColumns())
        if (c.name == name) return &c;
    return nullptr;
}

const CounterColumn* counterNamed(std::string_view name) {
    for (const CounterColumn& c : counterColumns())
        if (c.name == name) return &c;
    return nullptr;
}

} // namespace

Result<StreamState> SyncStateStore::load(const std::string& stream) {
    try {
        SQLite::Statement q(db_, "SELECT cursor, last_full_at, last_success_at FROM sync_state WHERE stream = ?");
        q.bind(1, stream);
        StreamState state;
        if (q.executeStep()) {
            state.cursor = optionalTime(q.getColumn(0));
            state.lastFullAt = optionalTime(q.getColumn(1));
            state.lastSuccessAt = optionalTime(q.getColumn(2));
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
        SQLite::Statement insert(db_, insertSql());
        int index = 1;
        for (std::string_view name : runColumnNames()) {
            if (const CounterColumn* counter = counterNamed(name))
                insert.bind(index++, static_cast<int64_t>(run.counters.*counter->member));
            else
                bindOptional(insert, index++, columnText(run, *runColumnNamed(name)));
        }
        insert.exec();

        if (newState) {
            SQLite::Statement upsert(
                db_, "INSERT INTO sync_state (stream, cursor, last_full_at, last_success_at) VALUES (?, ?, ?, ?)"
                     " ON CONFLICT (stream) DO UPDATE SET cursor = excluded.cursor,"
                     " last_full_at = excluded.last_full_at, last_success_at = excluded.last_success_at");
            upsert.bind(1, run.stream);
            bindTime(upsert, 2, newState->cursor);
            bindTime(upsert, 3, newState->lastFullAt);
            bindTime(upsert, 4, newState->lastSuccessAt);
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

Result<std::optional<SyncRun>> SyncStateStore::lastRun(const std::string& stream) {
    try {
        SQLite::Statement q(db_, lastRunSql());
        q.bind(1, stream);
        if (!q.executeStep()) return std::optional<SyncRun>();
        SyncRun run;
        int index = 0;
        for (std::string_view name : runColumnNames()) {
            const SQLite::Column column = q.getColumn(index++);
            if (const CounterColumn* counter = counterNamed(name)) {
                run.counters.*counter->member = column.getInt64();
            } else if (!setColumn(run, *runColumnNamed(name), optionalText(column))) {
                return fail(ErrorKind::Storage, "sync_runs." + std::string(name) + " of " + stream +
                                                    " holds a value roomsd did not write: " + column.getString());
            }
        }
        return std::optional(std::move(run));
    } catch (const std::exception& e) {
        return fail(ErrorKind::Storage, "cannot read the last pass of " + stream + ": " + e.what());
    }
}

} // namespace roomsd::store
