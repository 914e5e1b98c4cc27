#include "store/walk_seen.hpp"

namespace roomsd::store {

WalkSeen::WalkSeen(SQLite::Database& db, std::size_t memoryIds) : db_(db), memoryIds_(memoryIds) {
    db_.exec("CREATE TEMP TABLE IF NOT EXISTS walk_seen (id TEXT PRIMARY KEY NOT NULL, walk INTEGER NOT NULL) WITHOUT "
             "ROWID");
    add_ = std::make_unique<SQLite::Statement>(db_, "INSERT OR IGNORE INTO temp.walk_seen (id, walk) VALUES (?, ?)");
    touch_ =
        std::make_unique<SQLite::Statement>(db_, "UPDATE temp.walk_seen SET walk = ?1 WHERE id = ?2 AND walk < ?1");
}

WalkSeen::~WalkSeen() = default;

void WalkSeen::clear(bool inTable) {
    db_.exec("DELETE FROM temp.walk_seen");
    memory_.clear();
    memory_.rehash(0); // gives the buckets back too
    inTable_ = inTable;
}

WalkSeen::Novelty WalkSeen::add(const std::string& id, std::int64_t walk) {
    if (!inTable_) {
        auto [it, inserted] = memory_.try_emplace(id, walk);
        if (inserted) {
            if (memory_.size() > memoryIds_) toTable();
            return {true, true};
        }
        if (it->second >= walk) return {false, false};
        it->second = walk;
        return {true, false};
    }
    add_->reset();
    add_->bindNoCopy(1, id);
    add_->bind(2, static_cast<int64_t>(walk));
    if (add_->exec() == 1) return {true, true};
    touch_->reset();
    touch_->bind(1, static_cast<int64_t>(walk));
    touch_->bindNoCopy(2, id);
    return {touch_->exec() == 1, false};
}

void WalkSeen::toTable() {
    if (inTable_) return;
    for (const auto& [id, walk] : memory_) {
        add_->reset();
        add_->bindNoCopy(1, id);
        add_->bind(2, static_cast<int64_t>(walk));
        add_->exec();
    }
    add_->reset();
    memory_.clear();
    memory_.rehash(0);
    inTable_ = true;
}

void WalkSeen::reset() noexcept {
    for (SQLite::Statement* st : {add_.get(), touch_.get()}) {
        try {
            st->reset();
        } catch (...) {
            // reset() reports the error the statement last had: it has been reported already.
        }
    }
}

} // namespace roomsd::store
