// WalkSeen: the ids a pass has seen, each with the number of the last walk that saw it.
//
// A pass that checks for deletions (a backfill, a reconcile) keeps them in a temporary table on
// disk from the start: it sees every record of the account, and the deletion check asks SQL for
// the live rows it did not see. Any other pass keeps them in memory, where remembering an id
// costs a hash lookup instead of a B-tree insert (about 6,000 instructions), until it has seen
// kMemoryIds of them; past that (or when asked for the table) it moves them into the table and
// goes on there, so memory stays bounded whatever the account's size. A failed write ends the
// pass, so ids remembered in memory for a page whose transaction rolled back are never used.
// Thread-safety: owns statements on the writer connection; one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace roomsd::store {

class WalkSeen {
public:
    // Ids held in memory before they move to the table: some 8 MB at most.
    static constexpr std::size_t kMemoryIds = 100'000;

    // `memoryIds`: how many ids memory holds before they move to the table.
    explicit WalkSeen(SQLite::Database& db, std::size_t memoryIds = kMemoryIds);
    ~WalkSeen();
    WalkSeen(const WalkSeen&) = delete;
    WalkSeen& operator=(const WalkSeen&) = delete;

    // Forgets every id; `inTable`: keep them in the table from the start. Throws SQLite::Exception.
    void clear(bool inTable);
    // Whether `id` is new to walk `walk`, and to the pass; remembers it as seen by that walk.
    struct Novelty {
        bool toWalk = false;
        bool toPass = false;
    };
    Novelty add(std::string_view id, std::int64_t walk);
    // Moves what memory holds into temp.walk_seen (id, walk), for SQL that reads it.
    void toTable();
    // Resets the prepared statements, after a failure.
    void reset() noexcept;

private:
    SQLite::Database& db_;
    std::unique_ptr<SQLite::Statement> add_;   // new to the pass
    std::unique_ptr<SQLite::Statement> touch_; // seen by an earlier walk only
    std::size_t memoryIds_;
    bool inTable_ = true;
    // In memory: an open-addressing table (linear probing, at most half full) of 16-byte slots
    // holding each id's hash, its place in one string of all ids, and its walk; a lookup reads
    // one slot and, when the hashes match, the id. Ids are at most 128 bytes (model checks).
    struct Slot {
        std::uint64_t hash = 0;
        std::uint32_t offset = 0;
        std::uint16_t length = 0;
        std::uint16_t walk = 0; // 0: empty
    };
    std::vector<Slot> slots_;
    std::string ids_;
    std::size_t count_ = 0;
    Slot* slotFor(std::string_view id, std::uint64_t hash);
    void grow();
    std::string bound_; // the id bound to the statements (they bind without copying)
};

} // namespace roomsd::store
