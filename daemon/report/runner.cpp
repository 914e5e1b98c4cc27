// Binding a report's parameters by name and running it through store::SqlRunner.
// Thread-safety: see runner.hpp.
#include "report/runner.hpp"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <span>

#include "report/prelude.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"

namespace roomsd::report {
namespace {

// Keeps every row: a report is rendered whole or not at all.
class TableSink final : public store::SqlSink {
public:
    explicit TableSink(ReportTable& table) : table_(table) {}
    void columns(std::span<const std::string> names) override { table_.columns.assign(names.begin(), names.end()); }
    std::size_t row(std::span<const store::SqlValue> values) override {
        table_.rows.emplace_back(values.begin(), values.end());
        for (const auto& v : values)
            bytes_ += 16 + (std::holds_alternative<std::string>(v) ? std::get<std::string>(v).size() : 0);
        return bytes_;
    }

private:
    ReportTable& table_;
    std::size_t bytes_ = 0;
};

struct StatementDeleter {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// The bound values in the order of the statement's ?NNN indexes.
Result<std::vector<store::SqlParam>> positionalValues(SQLite::Database& db, const std::string& sql,
                                                      const BoundReport& bound) {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v3(db.getHandle(), sql.data(), static_cast<int>(sql.size()), 0, &raw, nullptr);
    std::unique_ptr<sqlite3_stmt, StatementDeleter> stmt(raw);
    if (rc != SQLITE_OK || !stmt)
        return fail(ErrorKind::Usage, std::string("the report's query fails: ") + sqlite3_errmsg(db.getHandle()));
    std::vector<store::SqlParam> values;
    for (int i = 1; i <= sqlite3_bind_parameter_count(stmt.get()); ++i) {
        const char* name = sqlite3_bind_parameter_name(stmt.get(), i);
        std::string_view n = name != nullptr ? name : "";
        auto it =
            std::find_if(bound.values.begin(), bound.values.end(), [&](const BoundValue& v) { return v.name == n; });
        if (it == bound.values.end())
            return fail(ErrorKind::Usage, "the report's query uses " + std::string(n) + ", which has no value");
        values.push_back(it->value);
    }
    return values;
}

} // namespace

store::SqlLimits defaultReportLimits() {
    store::SqlLimits limits;
    limits.timeout = std::chrono::seconds(60);
    limits.maxRows = 200000;
    limits.maxBytes = 64u << 20;
    return limits;
}

Result<ReportTable> runReport(SQLite::Database& db, const ReportDefinition& def, const BoundReport& bound,
                              const store::SqlLimits& limits, std::stop_token stop) {
    try {
        if (bound.room) {
            SQLite::Statement room(db, "SELECT count(*) FROM rooms WHERE id = ? AND deleted_at IS NULL");
            room.bind(1, *bound.room);
            if (room.executeStep() && room.getColumn(0).getInt64() == 0)
                return fail(ErrorKind::NotFound, "the mirror has no room " + *bound.room);
        }
        std::string sql = withPrelude(def.sql);
        auto values = positionalValues(db, sql, bound);
        if (!values) return std::move(values).error();
        ReportTable table;
        TableSink sink(table);
        store::SqlRunner runner(db, limits);
        auto outcome = runner.run(sql, *values, sink, stop);
        if (!outcome) {
            ErrorKind refused = outcome.error().kind;
            ErrorKind kind =
                refused == ErrorKind::Usage || refused == ErrorKind::Forbidden ? ErrorKind::Usage : ErrorKind::Storage;
            return fail(kind, "the report " + def.name + " failed: " + outcome.error().message);
        }
        if (outcome->syncedAt) table.syncedAt = formatTimestamp(*outcome->syncedAt);
        return table;
    } catch (const std::exception& e) {
        return fail(ErrorKind::Storage, "the report " + def.name + " failed: " + e.what());
    }
}

Result<SQLite::Database> openMirror(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return fail(ErrorKind::Storage, "--db " + path.string() + ": no such database file");
    try {
        SQLite::Database db = store::openReader(path);
        SQLite::Statement tables(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                                     "('schema_migrations', 'rooms', 'room_sessions', 'room_participants', "
                                     "'sync_state', 'sync_runs')");
        tables.executeStep();
        if (tables.getColumn(0).getInt() != 6)
            return fail(ErrorKind::Storage, "--db " + path.string() +
                                                " is not a roomsd mirror (it lacks roomsd's tables; a copy of a live "
                                                "mirror needs its -wal file too, or take it with sqlite3's .backup)");
        return db;
    } catch (const std::exception& e) {
        std::string what = e.what();
        if (what.find("file is not a database") != std::string::npos)
            return fail(ErrorKind::Storage,
                        "--db " + path.string() + " is not a roomsd mirror (not an SQLite database)");
        return fail(ErrorKind::Storage, "--db " + path.string() + ": " + what);
    }
}

} // namespace roomsd::report
