// The replica's transactions (see replica_store.hpp).
// Thread-safety: see replica_store.hpp.
#include "replicate/replica_store.hpp"

#include "replicate/replica_schema.hpp"

namespace roomsd::replicate {
namespace {

std::string upsertName(const model::RecordSchema& schema) { return "upsert_" + std::string(schema.table); }

// INSERT ... ON CONFLICT (id) DO UPDATE of every column: the feed's row is the whole row.
std::string upsertSql(const std::string& s, const model::RecordSchema& schema) {
    const auto& columns = replicaColumns(schema);
    std::string names, values, updates;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        const std::string& c = columns[i].name;
        names += (i ? ", " : "") + c;
        values += (i ? ", $" : "$") + std::to_string(i + 1);
        if (c != "id") updates += (updates.empty() ? "" : ", ") + c + " = EXCLUDED." + c;
    }
    return "INSERT INTO " + s + "." + std::string(schema.table) + " (" + names + ") VALUES (" + values +
           ") ON CONFLICT (id) DO UPDATE SET " + updates;
}

} // namespace

ReplicaStore::ReplicaStore(PgConnection& conn, std::string schemaName, std::string consumer)
    : conn_(conn), schema_(std::move(schemaName)), consumer_(std::move(consumer)) {}

Result<void> ReplicaStore::prepare() {
    for (const model::RecordSchema* schema : model::allSchemas())
        if (auto r = conn_.prepare(upsertName(*schema), upsertSql(schema_, *schema),
                                   static_cast<int>(replicaColumns(*schema).size()));
            !r)
            return r;
    return {};
}

Result<std::optional<ReplicaState>> ReplicaStore::readState() {
    auto r = conn_.exec("SELECT last_seq, snapshot_seq FROM " + schema_ + "." + std::string(kStateTable) +
                            " WHERE consumer = $1",
                        {consumer_});
    if (!r) return std::move(r).error();
    if (r->rows() == 0) return std::optional<ReplicaState>();
    ReplicaState state;
    state.lastSeq = std::stoll(r->text(0, 0));
    if (auto s = r->value(0, 1)) state.snapshotSeq = std::stoll(*s);
    return std::optional<ReplicaState>(state);
}

void ReplicaStore::rollback() { (void)conn_.exec("ROLLBACK"); }

Result<void> ReplicaStore::upsert(const RowImage& row) {
    auto r = conn_.runPrepared(upsertName(*row.schema), row.values);
    if (!r) return std::move(r).error();
    return {};
}

Result<void> ReplicaStore::applyPage(std::int64_t since, const ChangesPage& page) {
    if (auto r = conn_.exec("BEGIN"); !r) return std::move(r).error();
    for (const Change& change : page.changes) {
        if (auto r = upsert(change.row); !r) {
            rollback();
            Error e = std::move(r).error();
            e.message = "change " + std::to_string(change.seq) + " (" + change.op + " of " +
                        std::string(change.row.schema->table) + " " + change.row.id + "): " + e.message;
            return e;
        }
    }
    // updated_at is the moment just before the commit (clock_timestamp, not the transaction's start):
    // updated_at minus a change's applied_at is how long the change took to reach PostgreSQL.
    auto moved =
        conn_.exec("UPDATE " + schema_ + "." + std::string(kStateTable) +
                       " SET last_seq = $1, updated_at = clock_timestamp() WHERE consumer = $2 AND last_seq = $3",
                   {std::to_string(page.nextSince), consumer_, std::to_string(since)});
    if (!moved) {
        rollback();
        return std::move(moved).error();
    }
    if (moved->affected() != 1) {
        rollback();
        return fail(ErrorKind::Transient, "the position of consumer " + consumer_ + " in " + schema_ + "." +
                                              std::string(kStateTable) + " is no longer " + std::to_string(since) +
                                              " (another roomsd-replicate on the same schema and consumer?)");
    }
    if (auto r = conn_.exec("COMMIT"); !r) return std::move(r).error();
    return {};
}

ReplicaStore::SnapshotLoad::~SnapshotLoad() {
    if (open_) store_->rollback();
}

Result<void> ReplicaStore::SnapshotLoad::begin() {
    // DELETE rather than TRUNCATE: readers keep seeing the previous state until the load commits,
    // where TRUNCATE's lock would block every query of the tables for the whole load.
    std::string sql = "BEGIN;\n";
    for (const model::RecordSchema* schema : model::allSchemas())
        sql += "DELETE FROM " + store_->schema_ + "." + std::string(schema->table) + ";\n";
    if (auto r = store_->conn_.exec(sql); !r) {
        store_->rollback();
        return std::move(r).error();
    }
    open_ = true;
    return {};
}

Result<void> ReplicaStore::SnapshotLoad::add(const RowImage& row) {
    if (auto r = store_->upsert(row); !r) return r;
    ++rows_;
    return {};
}

Result<void> ReplicaStore::SnapshotLoad::commit(std::int64_t seq, const std::string& takenAt) {
    auto r = store_->conn_.exec(
        "INSERT INTO " + store_->schema_ + "." + std::string(kStateTable) +
            " (consumer, last_seq, snapshot_seq, snapshot_at, updated_at) VALUES ($1, $2, $2, "
            "$3, clock_timestamp()) ON CONFLICT (consumer) DO UPDATE SET last_seq = EXCLUDED.last_seq, "
            "snapshot_seq = EXCLUDED.snapshot_seq, snapshot_at = EXCLUDED.snapshot_at, "
            "updated_at = EXCLUDED.updated_at",
        {store_->consumer_, std::to_string(seq), takenAt.empty() ? PgParam() : PgParam(takenAt)});
    if (!r) return std::move(r).error();
    open_ = false;
    if (auto c = store_->conn_.exec("COMMIT"); !c) return std::move(c).error();
    return {};
}

} // namespace roomsd::replicate
