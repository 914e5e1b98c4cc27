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
    std::vector<Slot>().swap(slots_); // the memory goes back
    std::string().swap(ids_);
    count_ = 0;
    inTable_ = inTable;
}

WalkSeen::Slot* WalkSeen::slotFor(std::string_view id, std::uint64_t hash) {
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
        Slot& slot = slots_[i];
        if (slot.walk == 0) return &slot;
        if (slot.hash == hash && slot.length == id.size() && ids_.compare(slot.offset, slot.length, id) == 0)
            return &slot;
    }
}

void WalkSeen::grow() {
    std::vector<Slot> old(slots_.empty() ? 1024 : slots_.size() * 2);
    old.swap(slots_);
    std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
        if (slot.walk == 0) continue;
        std::size_t i = slot.hash & mask;
        while (slots_[i].walk != 0) i = (i + 1) & mask;
        slots_[i] = slot;
    }
}

WalkSeen::Novelty WalkSeen::add(std::string_view id, std::int64_t walk) {
    if (!inTable_) {
        // Walks are counted from 1 and a pass has a few: a value that does not fit goes to the table.
        if (walk >= 1 && walk <= 0xFFFF && id.size() <= 0xFFFF) {
            if ((count_ + 1) * 2 > slots_.size()) grow();
            std::uint64_t hash = std::hash<std::string_view>{}(id);
            Slot* slot = slotFor(id, hash);
            if (slot->walk != 0) {
                if (slot->walk >= walk) return {false, false};
                slot->walk = static_cast<std::uint16_t>(walk);
                return {true, false};
            }
            *slot = Slot{hash, static_cast<std::uint32_t>(ids_.size()), static_cast<std::uint16_t>(id.size()),
                         static_cast<std::uint16_t>(walk)};
            ids_.append(id);
            if (++count_ > memoryIds_) toTable();
            return {true, true};
        }
        toTable();
    }
    bound_.assign(id);
    add_->reset();
    add_->bindNoCopy(1, bound_);
    add_->bind(2, static_cast<int64_t>(walk));
    if (add_->exec() == 1) return {true, true};
    touch_->reset();
    touch_->bind(1, static_cast<int64_t>(walk));
    touch_->bindNoCopy(2, bound_);
    return {touch_->exec() == 1, false};
}

void WalkSeen::toTable() {
    if (inTable_) return;
    inTable_ = true;
    for (const Slot& slot : slots_) {
        if (slot.walk == 0) continue;
        bound_.assign(ids_, slot.offset, slot.length);
        add_->reset();
        add_->bindNoCopy(1, bound_);
        add_->bind(2, static_cast<int64_t>(slot.walk));
        add_->exec();
    }
    add_->reset();
    std::vector<Slot>().swap(slots_);
    std::string().swap(ids_);
    count_ = 0;
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
