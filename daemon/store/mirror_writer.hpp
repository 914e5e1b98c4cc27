// MirrorWriter: idempotent upserts of upstream records, and deletion marks.
//
// A page is written in one transaction. For each record the stored copy wins
// when it is newer (by updated_at), and nothing is written when the record is
// unchanged, so re-fetching a day of data costs reads, not writes. A walk of a
// listing keeps the set of ids it has seen in a temporary table (on disk, not
// in memory), which tells a page that does not advance, a listing that moved,
// and, after a full walk, which stored records upstream no longer lists.
// Thread-safety: owns statements on the writer connection; one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"
#include "model/records.hpp"

namespace roomsd::store {

struct WriteCounts {
    std::int64_t inserted = 0;
    std::int64_t updated = 0;
    std::int64_t unchanged = 0; // identical, or older than the stored copy
    WriteCounts& operator+=(const WriteCounts& other);
};

struct PageWrite {
    WriteCounts counts;         // the page's own records
    WriteCounts embedded;       // the records embedded in them (a room's sessions)
    std::int64_t newToWalk = 0; // top-level records of the page the walk had not seen before
};

class MirrorWriter {
public:
    // Writes the records of `schemas` (each into its table), rooms, sessions and participants by default.
    explicit MirrorWriter(SQLite::Database& db,
                          std::span<const model::RecordSchema* const> schemas = model::allSchemas());
    ~MirrorWriter();
    MirrorWriter(const MirrorWriter&) = delete;
    MirrorWriter& operator=(const MirrorWriter&) = delete;

    // Starts a walk of a listing: forgets the ids seen so far.
    Result<void> beginWalk();
    // Distinct top-level ids seen since beginWalk().
    std::int64_t walkSeenCount() const { return walkSeen_; }

    // Upserts `records` and their embedded children in one transaction; the
    // top-level ids join the walk's seen set.
    Result<PageWrite> upsertPage(std::span<const model::MirrorRecord> records, Timestamp now);

    // Up to `limit` ids of `schema`'s live rows that the walk has not seen.
    Result<std::vector<std::string>> unseenLiveIds(const model::RecordSchema& schema, std::size_t limit);
    // Live (not deleted) rows of `schema`'s table.
    Result<std::int64_t> liveCount(const model::RecordSchema& schema);
    // Adds `id` to the walk's seen set without writing the record (it was checked some other way).
    Result<void> markSeen(std::string_view id);
    // Sets deleted_at on a live row; false when there was none.
    Result<bool> markDeleted(const model::RecordSchema& schema, std::string_view id, Timestamp now);

private:
    struct TableStatements;
    TableStatements& statementsFor(const model::RecordSchema& schema);
    WriteCounts upsertOne(const model::MirrorRecord& record, const std::string& now);

    SQLite::Database& db_;
    std::vector<std::unique_ptr<TableStatements>> tables_;
    std::unique_ptr<SQLite::Statement> addSeen_;
    std::int64_t walkSeen_ = 0;
};

} // namespace roomsd::store
