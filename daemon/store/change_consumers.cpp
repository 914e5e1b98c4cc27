// ChangeConsumers: register, ack, list and delete rows of change_consumers.
// Thread-safety: see change_consumers.hpp.
#include "store/change_consumers.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>

#include "store/change_feed.hpp"
#include "store/errors.hpp"

namespace roomsd::store {
namespace {

// Long enough for the sync's longest transaction (about a second) several times over.
constexpr int kBusyTimeoutMs = 10'000;

Error storageError(const std::string& what, const std::exception& e) {
    return fail(ErrorKind::Storage, what + ": " + e.what());
}

std::int64_t lastSeqOf(SQLite::Database& db) { return readFeedBounds(db).lastSeq; }

std::vector<Consumer> readConsumers(SQLite::Database& db, std::int64_t lastSeq, const std::string* name) {
    std::string sql = "SELECT name, acked_seq, registered_at, acked_at FROM change_consumers";
    if (name != nullptr) sql += " WHERE name = ?";
    sql += " ORDER BY name";
    SQLite::Statement q(db, sql);
    if (name != nullptr) q.bind(1, *name);
    std::vector<Consumer> out;
    while (q.executeStep()) {
        Consumer c;
        c.name = q.getColumn(0).getString();
        c.ackedSeq = q.getColumn(1).getInt64();
        c.lag = std::max<std::int64_t>(0, lastSeq - c.ackedSeq);
        c.registeredAt = q.getColumn(2).getString();
        if (!q.getColumn(3).isNull()) c.ackedAt = q.getColumn(3).getString();
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace

bool isConsumerName(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

SQLite::Database openConsumerWriter(const std::filesystem::path& path) {
    try {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX);
        db.setBusyTimeout(kBusyTimeoutMs);
        return db;
    } catch (const SQLite::Exception& e) {
        throw StoreError("cannot open the database " + path.string() + " for the feed's consumers: " + e.what());
    }
}

std::optional<Consumer> ChangeConsumers::find(const std::string& name, std::int64_t lastSeq) {
    auto found = readConsumers(db_, lastSeq, &name);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
}

Result<Registration> ChangeConsumers::registerConsumer(const std::string& name, std::optional<std::int64_t> ackedSeq) {
    try {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
        std::int64_t last = lastSeqOf(db_);
        if (auto existing = find(name, last)) return Registration{std::move(*existing), false};
        std::int64_t acked = ackedSeq.value_or(last);
        if (acked < 0 || acked > last)
            return Error{ErrorKind::Usage, "acked_seq must be between 0 and the last seq, " + std::to_string(last),
                         "acked_seq"};
        SQLite::Statement insert(db_, "INSERT INTO change_consumers (name, acked_seq, registered_at, acked_at) "
                                      "VALUES (?, ?, ?, NULL)");
        insert.bind(1, name);
        insert.bind(2, static_cast<int64_t>(acked));
        insert.bind(3, formatTimestamp(nowUtc()));
        insert.exec();
        auto created = find(name, last);
        tx.commit();
        return Registration{std::move(*created), true};
    } catch (const std::exception& e) {
        return storageError("cannot register the consumer", e);
    }
}

Result<std::optional<Consumer>> ChangeConsumers::ack(const std::string& name, std::int64_t seq) {
    try {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::IMMEDIATE);
        std::int64_t last = lastSeqOf(db_);
        auto existing = find(name, last);
        if (!existing) return std::optional<Consumer>{};
        if (seq < 0 || seq > last)
            return Error{ErrorKind::Usage, "seq must be between 0 and the last seq, " + std::to_string(last), "seq"};
        if (seq < existing->ackedSeq) return std::optional<Consumer>{std::move(*existing)};
        SQLite::Statement update(db_, "UPDATE change_consumers SET acked_seq = ?, acked_at = ? WHERE name = ?");
        update.bind(1, static_cast<int64_t>(seq));
        update.bind(2, formatTimestamp(nowUtc()));
        update.bind(3, name);
        update.exec();
        auto acked = find(name, last);
        tx.commit();
        return acked;
    } catch (const std::exception& e) {
        return storageError("cannot record the ack", e);
    }
}

Result<std::vector<Consumer>> ChangeConsumers::list() { return listConsumers(db_); }

Result<bool> ChangeConsumers::remove(const std::string& name) {
    try {
        SQLite::Statement del(db_, "DELETE FROM change_consumers WHERE name = ?");
        del.bind(1, name);
        return del.exec() > 0;
    } catch (const std::exception& e) {
        return storageError("cannot delete the consumer", e);
    }
}

Result<std::vector<Consumer>> listConsumers(SQLite::Database& db) {
    try {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::DEFERRED);
        auto out = readConsumers(db, lastSeqOf(db), nullptr);
        tx.commit();
        return out;
    } catch (const std::exception& e) {
        return storageError("cannot read the feed's consumers", e);
    }
}

} // namespace roomsd::store

namespace roomsd::store {

Result<FeedOverview> feedOverview(SQLite::Database& db) {
    try {
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::DEFERRED);
        FeedOverview out;
        out.bounds = readFeedBounds(db);
        out.consumers = readConsumers(db, out.bounds.lastSeq, nullptr);
        tx.commit();
        return out;
    } catch (const std::exception& e) {
        return storageError("cannot read the change feed", e);
    }
}

} // namespace roomsd::store
