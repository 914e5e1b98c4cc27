// MirrorWriter: idempotent upserts of upstream records, and deletion marks.
//
// With batching on (the sync turns it on), pages are written in transactions that span several of them (up to
// kBatchRecords records or kBatchMillis, whichever comes first), so that the
// B-tree pages a backfill dirties over and over are written to the WAL once per
// batch rather than once per page; flush() commits what is pending, and a pass
// flushes before it records itself (the cursor still moves last, alone). A
// failed write rolls back its batch. Without it each page is its own
// transaction. For each record the stored copy wins
// when it is newer (by updated_at), and nothing is written when the record is
// unchanged, so re-fetching a day of data costs reads, not writes. A pass keeps
// the ids it has seen (store/walk_seen.hpp), each with
// the number of the last walk of the listing that saw it: that tells a page
// that does not advance, a walk that saw fewer records than the listing claims,
// a re-walk that found what an earlier walk missed, and, after a full pass,
// which stored records upstream no longer lists.
// Every insert, update, deletion mark and restore appends its change to the change log
// (store/change_log.hpp) in the same transaction; a record written unchanged appends nothing.
// Thread-safety: owns statements on the writer connection; one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <chrono>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "common/time.hpp"
#include "model/records.hpp"
#include "store/change_log.hpp"
#include "store/walk_seen.hpp"

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
    // Indexes into the page of the top-level records no walk of this pass had seen before.
    std::vector<std::size_t> newToPass;
    // Indexes into the page of the top-level records inserted or updated (a deletion mark lifted included).
    std::vector<std::size_t> written;
};

inline constexpr std::int64_t kBatchRecords = 10'000;
inline constexpr std::chrono::milliseconds kBatchMillis{1000};

class MirrorWriter {
public:
    // Writes the records of `schemas` (each into its table), rooms, sessions and participants by default.
    explicit MirrorWriter(SQLite::Database& db,
                          std::span<const model::RecordSchema* const> schemas = model::allSchemas());
    ~MirrorWriter();
    MirrorWriter(const MirrorWriter&) = delete;
    MirrorWriter& operator=(const MirrorWriter&) = delete;

    // Starts a pass: forgets the ids seen so far, and starts its first walk. `checksDeletions`: the
    // pass will ask for unseenLiveIds (store/walk_seen.hpp says what that changes).
    Result<void> beginPass(bool checksDeletions = true);
    // Starts the next walk of the same pass: what it sees is counted afresh, what
    // earlier walks saw is still remembered for the pass.
    void beginWalk();
    // Distinct top-level ids seen by the current walk, and by every walk of the pass.
    std::int64_t walkSeenCount() const { return walkSeen_; }
    std::int64_t passSeenCount() const { return passSeen_; }

    // Upserts `records` and their embedded children in the open batch (opened when none is),
    // committed once the batch is full or old enough; the top-level ids join the walk's and
    // the pass's seen sets.
    Result<PageWrite> upsertPage(std::span<const model::MirrorRecord> records, Timestamp now);

    // Whether pages wait in a batch (see above) or are committed one by one (the default).
    void batchPages(bool on) { batching_ = on; }
    // Commits the open batch, if any. Before anything else writes through this connection
    // in a transaction of its own (SyncStateStore::recordPass), and when a walk ends.
    Result<void> flush();
    // Commits the open batch if it is full or old enough (after writes outside upsertPage).
    Result<void> commitIfDue();

    // Up to `limit` ids of `schema`'s live rows that the current walk has not seen (a record an
    // earlier walk saw may have gone since).
    Result<std::vector<std::string>> unseenLiveIds(const model::RecordSchema& schema, std::size_t limit);
    // Live (not deleted) rows of `schema`'s table.
    Result<std::int64_t> liveCount(const model::RecordSchema& schema);
    // Adds `id` to the seen sets without writing the record (it was checked some other way).
    Result<void> markSeen(std::string_view id);
    // When the live row `id` of `schema` was last written (synced_at), or nullopt when there is none.
    Result<std::optional<Timestamp>> lastWritten(const model::RecordSchema& schema, std::string_view id);
    // Sets deleted_at on a live row; false when there was none. Joins the open batch, if any.
    Result<bool> markDeleted(const model::RecordSchema& schema, std::string_view id, Timestamp now);
    // The change log's last seq, the open batch's changes included.
    Result<std::int64_t> lastChangeSeq();
    // The ids of `schema`'s records changed after seq `after` (ChangeLog::idsChangedAfter).
    Result<std::optional<std::vector<std::string>>> idsChangedAfter(const model::RecordSchema& schema,
                                                                    std::int64_t after, std::int64_t limit);
    // Commits the open batch, then trims the change log by `policy`.
    Result<TrimResult> trimChanges(const ChangeRetention& policy, Timestamp now);
    // Commits the open batch, then recomputes the daily rollup of the rooms written since the
    // last time (store/daily_rollup.hpp); the number of rooms.
    Result<std::int64_t> refreshRollups();

private:
    struct TableStatements;
    TableStatements& statementsFor(const model::RecordSchema& schema);
    WriteCounts upsertOne(const model::MirrorRecord& record, const std::string& now);

    SQLite::Database& db_;
    std::vector<std::unique_ptr<TableStatements>> tables_;
    // Whether `id` is new to the walk, and to the pass; remembers it as seen by the current walk.
    WalkSeen::Novelty remember(std::string_view id);
    // Resets every prepared statement, after a failure.
    void resetStatements() noexcept;
    // Opens a batch when none is open; commits it when batching is off or it is due.
    void openBatch();
    void commitUnlessBatching();

    std::unique_ptr<SQLite::Transaction> batch_; // open while pages wait for their commit
    std::chrono::steady_clock::time_point batchOpened_{};
    std::int64_t batchRecords_ = 0;
    bool batching_ = false;
    ChangeLog changes_;
    WalkSeen seen_;
    std::int64_t walk_ = 0;
    std::int64_t walkSeen_ = 0;
    std::int64_t passSeen_ = 0;
};

} // namespace roomsd::store
