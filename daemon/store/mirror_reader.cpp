// MirrorReader: builds the SELECTs of the query API from the record schemas.
// Thread-safety: see mirror_reader.hpp.
#include "store/mirror_reader.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <array>

namespace roomsd::store {
namespace {

using model::RecordSchema;

using Bound = std::variant<std::string, std::int64_t>;

// A schema's field name, checked, for splicing into SQL (names come from the
// static schemas, never from a request, but a typo must not become SQL).
std::string column(const RecordSchema& schema, std::string_view field) {
    if (model::fieldIndex(schema, field) < 0)
        throw std::logic_error("no field " + std::string(field) + " in " + std::string(schema.table));
    return std::string(field);
}

struct WhereClause {
    std::string sql = "deleted_at IS NULL";
    std::vector<Bound> binds;
    void add(std::string condition, Bound value) {
        sql += " AND " + condition;
        binds.push_back(std::move(value));
    }
    // Whether anything narrows the live rows (every condition has a bound value).
    bool filtered() const { return !binds.empty(); }
};

WhereClause whereOf(const ListRequest& request) {
    const RecordSchema& schema = *request.schema;
    WhereClause where;
    if (request.parentId) where.add(column(schema, schema.parentField) + " = ?", *request.parentId);
    for (const DateRange& range : request.dates) {
        std::string field = column(schema, range.field);
        // The stored text is UTC, so the date is its first ten characters and
        // "on or before D" is "before the start of D+1": ranges the indexes can use.
        if (range.eq) {
            where.add(field + " >= ?", formatDate(*range.eq));
            where.add(field + " < ?", formatDate(addDays(*range.eq, 1)));
        }
        if (range.gte) where.add(field + " >= ?", formatDate(*range.gte));
        if (range.lte) where.add(field + " < ?", formatDate(addDays(*range.lte, 1)));
    }
    for (const FieldMatch& match : request.matches) {
        std::string field = column(schema, match.field);
        if (const auto* text = std::get_if<std::string>(&match.value))
            where.add(field + " = ?", *text);
        else
            where.add(field + " = ?", std::int64_t{std::get<bool>(match.value) ? 1 : 0});
    }
    return where;
}

void bindAll(SQLite::Statement& stmt, const std::vector<Bound>& binds) {
    int index = 1;
    for (const Bound& b : binds) {
        if (const auto* text = std::get_if<std::string>(&b))
            stmt.bind(index++, *text);
        else
            stmt.bind(index++, static_cast<int64_t>(std::get<std::int64_t>(b)));
    }
}

std::string orderBy(const RecordSchema& schema) {
    return " ORDER BY " + column(schema, orderFieldOf(schema)) + " DESC, id ASC";
}

// A page of a table none of whose rows is deleted (so "deleted_at IS NULL" holds for every row): the
// rows before the page are skipped on the order index alone ((field DESC, id), holding each row's
// rowid), and only the page's own rows are read from the table; the general query reads every skipped
// row from the table to test deleted_at, which made a late page cost a table search per row before it.
std::string allRowsPageSql(const RecordSchema& schema) {
    std::string table(schema.table);
    std::string field = column(schema, orderFieldOf(schema));
    return "SELECT r.id, r.upstream_json FROM (SELECT rowid AS k FROM " + table + orderBy(schema) +
           " LIMIT ? OFFSET ?) AS p CROSS JOIN " + table + " AS r ON r.rowid = p.k ORDER BY r." + field +
           " DESC, r.id ASC";
}

// The deleted rows, counted on their partial index (0003_deleted_indexes.sql).
std::string deletedCountSql(const std::string& table) {
    return "SELECT count(*) FROM " + table + " WHERE deleted_at IS NOT NULL";
}

Error storageError(const std::string& what, const std::exception& e) {
    return fail(ErrorKind::Storage, what + ": " + e.what());
}

// A kept statement in use: reset when the use ends (a statement left stepped would hold
// its read snapshot open, and keep the writer's checkpoints from finishing, until its next use).
class InUse {
public:
    explicit InUse(SQLite::Statement& statement) : statement_(statement) {}
    ~InUse() { statement_.tryReset(); }
    InUse(const InUse&) = delete;
    InUse& operator=(const InUse&) = delete;
    SQLite::Statement& operator*() { return statement_; }
    SQLite::Statement* operator->() { return &statement_; }

private:
    SQLite::Statement& statement_;
};

constexpr const char* kSyncedAtSql = "SELECT last_success_at FROM sync_state WHERE stream = ?";

// lastSyncedAt over a statement of kSyncedAtSql.
std::optional<Timestamp> earliestSuccess(SQLite::Statement& q, std::span<const RecordSchema* const> schemas) {
    std::optional<Timestamp> earliest;
    for (const RecordSchema* schema : schemas) {
        InUse use(q);
        q.bind(1, std::string(schema->name));
        if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
        auto at = parseTimestamp(q.getColumn(0).getString());
        if (!at) return std::nullopt; // not written by roomsd: claim no freshness
        if (!earliest || *at < *earliest) earliest = at;
    }
    return earliest;
}

} // namespace

// One read transaction over the reader's kept BEGIN and COMMIT (the same snapshot for every
// statement of a read); rolled back if the read ends without commit().
class MirrorReader::Snapshot {
public:
    explicit Snapshot(MirrorReader& reader) : reader_(reader) {
        // Between reads no kept statement is in use: the only safe time to drop them.
        if (reader_.statements_.size() >= kKeptStatements) reader_.statements_.clear();
        run("BEGIN DEFERRED");
    }
    ~Snapshot() {
        if (open_ && sqlite3_get_autocommit(reader_.db_.getHandle()) == 0) {
            try {
                run("ROLLBACK");
            } catch (...) { // a destructor never throws; the next BEGIN reports a broken connection
            }
        }
    }
    Snapshot(const Snapshot&) = delete;
    Snapshot& operator=(const Snapshot&) = delete;

    void commit() {
        run("COMMIT");
        open_ = false;
    }

private:
    void run(const std::string& sql) {
        InUse use(reader_.prepared(sql));
        use->exec();
    }

    MirrorReader& reader_;
    bool open_ = true;
};

std::string_view orderFieldOf(const RecordSchema& schema) {
    return schema.stream == model::Stream::Participants ? "joined_at" : "created_at";
}

std::optional<Timestamp> lastSyncedAt(SQLite::Database& db, std::span<const RecordSchema* const> schemas) {
    SQLite::Statement q(db, kSyncedAtSql);
    return earliestSuccess(q, schemas);
}

SQLite::Statement& MirrorReader::prepared(const std::string& sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) return *it->second;
    auto statement = std::make_unique<SQLite::Statement>(db_, sql);
    return *statements_.emplace(sql, std::move(statement)).first->second;
}

std::optional<Timestamp> MirrorReader::syncedAt(const RecordSchema& schema, bool withChildren) {
    std::array<const RecordSchema*, 2> read{&schema, schema.child};
    std::size_t streams = withChildren && schema.child != nullptr ? 2 : 1;
    return earliestSuccess(prepared(kSyncedAtSql), std::span(read.data(), streams));
}

std::int64_t MirrorReader::deletedCount(const std::string& table) {
    InUse q(prepared(deletedCountSql(table)));
    q->executeStep();
    return q->getColumn(0).getInt64();
}

std::vector<StoredRecord> MirrorReader::childrenOf(const RecordSchema& schema, const std::string& parentId) {
    const RecordSchema& child = *schema.child;
    InUse q(prepared("SELECT upstream_json FROM " + std::string(child.table) + " WHERE " +
                     column(child, child.parentField) + " = ? AND deleted_at IS NULL" + orderBy(child)));
    q->bind(1, parentId);
    std::vector<StoredRecord> out;
    while (q->executeStep()) out.push_back(StoredRecord{q->getColumn(0).getString(), {}});
    return out;
}

Result<RecordPage> MirrorReader::list(const ListRequest& request) {
    if (request.schema == nullptr || request.pageNumber < 1 || request.pageSize < 1)
        return fail(ErrorKind::Internal, "MirrorReader::list: incomplete request");
    const RecordSchema& schema = *request.schema;
    try {
        Snapshot snapshot(*this);
        WhereClause where = whereOf(request);
        std::string table(schema.table);
        RecordPage page;
        {
            InUse count(prepared(where.filtered() ? "SELECT count(*) FROM " + table + " WHERE " + where.sql
                                                  : liveCountSql(table)));
            bindAll(*count, where.binds);
            count->executeStep();
            page.totalResults = count->getColumn(0).getInt64();
        }
        std::int64_t totalPages = (page.totalResults + request.pageSize - 1) / request.pageSize;
        if (request.pageNumber <= totalPages) {
            InUse rows(prepared(where.filtered() || deletedCount(table) > 0
                                    ? "SELECT id, upstream_json FROM " + table + " WHERE " + where.sql +
                                          orderBy(schema) + " LIMIT ? OFFSET ?"
                                    : allRowsPageSql(schema)));
            bindAll(*rows, where.binds);
            int next = static_cast<int>(where.binds.size()) + 1;
            rows->bind(next, static_cast<int64_t>(request.pageSize));
            rows->bind(next + 1, static_cast<int64_t>((request.pageNumber - 1) * request.pageSize));
            while (rows->executeStep()) {
                StoredRecord record{rows->getColumn(1).getString(), {}};
                if (request.includeChildren && schema.child != nullptr)
                    record.children = childrenOf(schema, rows->getColumn(0).getString());
                page.records.push_back(std::move(record));
            }
        }
        page.syncedAt = syncedAt(schema, request.includeChildren);
        snapshot.commit();
        return page;
    } catch (const std::exception& e) {
        return storageError("cannot list " + std::string(schema.table), e);
    }
}

Result<RecordLookup> MirrorReader::get(const RecordSchema& schema, std::string_view id, bool includeChildren) {
    try {
        Snapshot snapshot(*this);
        RecordLookup lookup;
        {
            InUse q(prepared("SELECT upstream_json FROM " + std::string(schema.table) +
                             " WHERE id = ? AND deleted_at IS NULL"));
            q->bind(1, std::string(id));
            if (q->executeStep()) lookup.record = StoredRecord{q->getColumn(0).getString(), {}};
        }
        if (lookup.record && includeChildren && schema.child != nullptr)
            lookup.record->children = childrenOf(schema, std::string(id));
        lookup.syncedAt = syncedAt(schema, includeChildren);
        snapshot.commit();
        return lookup;
    } catch (const std::exception& e) {
        return storageError("cannot read " + std::string(schema.table), e);
    }
}

Result<MirrorOverview> MirrorReader::overview() {
    try {
        SQLite::Transaction tx(db_, SQLite::TransactionBehavior::DEFERRED);
        MirrorOverview out;
        out.schemaVersion = db_.execAndGet("PRAGMA user_version").getInt();
        SyncStateStore states(db_);
        for (const RecordSchema* schema : model::allSchemas()) {
            StreamOverview stream;
            stream.schema = schema;
            auto state = states.load(std::string(schema->name));
            if (!state) return std::move(state).error();
            stream.state = std::move(*state);
            std::string table(schema->table);
            stream.liveRecords = db_.execAndGet(liveCountSql(table)).getInt64();
            stream.deletedRecords = db_.execAndGet(deletedCountSql(table)).getInt64();
            auto run = states.lastRun(std::string(schema->name));
            if (!run) return std::move(run).error();
            stream.lastRun = std::move(*run);
            out.streams.push_back(std::move(stream));
        }
        out.syncedAt = lastSyncedAt(db_, model::allSchemas());
        tx.commit();
        return out;
    } catch (const std::exception& e) {
        return storageError("cannot read the sync state", e);
    }
}

std::string liveCountSql(std::string_view table) {
    std::string name(table);
    return "SELECT (SELECT count(*) FROM " + name + ") - (" + deletedCountSql(name) + ")";
}

} // namespace roomsd::store
