// The replica's writes to PostgreSQL: a page of changes, or a whole snapshot, each in ONE
// transaction together with the consumer's last applied seq in replica_state, so that the
// rows and the position never disagree: a crash anywhere replays nothing twice and skips nothing.
//
// The position moves only from the value the caller read: a page applied over a position
// that moved meanwhile (a second replicator on the same schema and consumer) is rolled back
// and answered as ErrorKind::Conflict-like Transient, to be re-read.
// Thread-safety: one thread at a time, as its connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "replicate/change.hpp"
#include "replicate/pg_connection.hpp"

namespace roomsd::replicate {

struct ReplicaState {
    std::int64_t lastSeq = 0;
    std::optional<std::int64_t> snapshotSeq;
};

class ReplicaStore {
public:
    // Statements on `conn` (which must outlive the store) for `schemaName` and `consumer`.
    ReplicaStore(PgConnection& conn, std::string schemaName, std::string consumer);

    // Prepares the upserts on the connection; once per connection, after prepareSchema.
    Result<void> prepare();
    // The consumer's row of replica_state, nullopt when there is none (first start).
    Result<std::optional<ReplicaState>> readState();
    // Applies `page` (the changes after `since`) and moves the position to page.nextSince.
    Result<void> applyPage(std::int64_t since, const ChangesPage& page);

    // A snapshot load: begin() empties the tables in a transaction, add() writes each row,
    // commit() sets the position to the snapshot's seq. Destroyed uncommitted, it rolls back.
    class SnapshotLoad {
    public:
        explicit SnapshotLoad(ReplicaStore& store) : store_(&store) {}
        ~SnapshotLoad();
        SnapshotLoad(SnapshotLoad&& other) noexcept : store_(other.store_), open_(other.open_) { other.open_ = false; }
        SnapshotLoad(const SnapshotLoad&) = delete;
        SnapshotLoad& operator=(const SnapshotLoad&) = delete;
        SnapshotLoad& operator=(SnapshotLoad&&) = delete;

        Result<void> begin();
        Result<void> add(const RowImage& row);
        Result<void> commit(std::int64_t seq, const std::string& takenAt);
        std::int64_t rows() const { return rows_; }

    private:
        ReplicaStore* store_;
        bool open_ = false;
        std::int64_t rows_ = 0;
    };
    SnapshotLoad snapshot() { return SnapshotLoad(*this); }

private:
    Result<void> upsert(const RowImage& row);
    void rollback();

    PgConnection& conn_;
    std::string schema_;
    std::string consumer_;
};

} // namespace roomsd::replicate
