// SqlRunner: the authorizer, the progress handler and the row loop of POST /sql.
// Thread-safety: see sql_query.hpp.
#include "store/sql_query.hpp"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <climits>
#include <memory>
#include <vector>

#include "model/records.hpp"
#include "store/mirror_reader.hpp"

namespace roomsd::store {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::array<std::string_view, 12> kReadable{
    "rooms",         "room_sessions", "room_participants", "sync_state",
    "sync_runs",     "session_stats", "participant_stats", "room_daily_activity",
    "sqlite_master", "sqlite_schema", "json_each",         "json_tree"};

// Tables of the schema's own that only views read: (table, a view whose body may read it). SQLite
// names the innermost view a read comes from, or the CTE: a CTE named after the view reads them
// too, which keeps them out of sight rather than secret (they hold what the view shows).
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kReadThroughView{{
    {"room_daily_rollup", "room_daily_activity"},
    {"room_daily_dirty", "room_daily_activity"},
    {"room_daily_pending", "room_daily_activity"},
    {"room_daily_dirty", "room_daily_pending"},
}};

// Virtual machine instructions between two checks of the deadline.
constexpr int kProgressInterval = 1000;

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

// `view` is the view whose body reads `table`, or empty for the statement itself.
bool isReadable(std::string_view table, std::string_view view) {
    return std::any_of(kReadable.begin(), kReadable.end(),
                       [&](std::string_view t) { return equalsIgnoringCase(t, table); }) ||
           std::any_of(kReadThroughView.begin(), kReadThroughView.end(), [&](const auto& allowed) {
               return equalsIgnoringCase(allowed.first, table) && equalsIgnoringCase(allowed.second, view);
           });
}

std::string readableList() {
    std::string out;
    for (std::size_t i = 0; i < 8; ++i) out += (i ? ", " : "") + std::string(kReadable[i]);
    return out;
}

const char* actionName(int action) {
    switch (action) {
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TEMP_INDEX: return "CREATE INDEX";
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_TABLE: return "CREATE TABLE";
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER: return "CREATE TRIGGER";
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW: return "CREATE VIEW";
    case SQLITE_CREATE_VTABLE: return "CREATE VIRTUAL TABLE";
    case SQLITE_DELETE: return "DELETE";
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TEMP_INDEX: return "DROP INDEX";
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_TABLE: return "DROP TABLE";
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_TEMP_TRIGGER: return "DROP TRIGGER";
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_TEMP_VIEW: return "DROP VIEW";
    case SQLITE_DROP_VTABLE: return "DROP VIRTUAL TABLE";
    case SQLITE_INSERT: return "INSERT";
    case SQLITE_UPDATE: return "UPDATE";
    case SQLITE_PRAGMA: return "PRAGMA";
    case SQLITE_TRANSACTION: return "a transaction (BEGIN, COMMIT, ROLLBACK)";
    case SQLITE_SAVEPOINT: return "SAVEPOINT";
    case SQLITE_ATTACH: return "ATTACH";
    case SQLITE_DETACH: return "DETACH";
    case SQLITE_ALTER_TABLE: return "ALTER TABLE";
    case SQLITE_REINDEX: return "REINDEX";
    case SQLITE_ANALYZE: return "ANALYZE";
    default: return "this statement";
    }
}

// The schema pragmas a statement may use, as `PRAGMA name(arg)` or as the table-valued
// function pragma_name(arg): they read the schema and change nothing, whatever their argument.
constexpr std::array<std::string_view, 7> kSchemaPragmas{"table_info", "table_xinfo", "table_list",      "index_list",
                                                         "index_info", "index_xinfo", "foreign_key_list"};

bool isSchemaPragma(std::string_view name) {
    return std::any_of(kSchemaPragmas.begin(), kSchemaPragmas.end(),
                       [&](std::string_view p) { return equalsIgnoringCase(p, name); });
}

// pragma_table_info and the other eponymous tables of the schema pragmas.
bool isSchemaPragmaTable(std::string_view table) {
    constexpr std::string_view kPrefix = "pragma_";
    return table.size() > kPrefix.size() && equalsIgnoringCase(table.substr(0, kPrefix.size()), kPrefix) &&
           isSchemaPragma(table.substr(kPrefix.size()));
}

// SQLite's own tables (sqlite_master, sqlite_temp_master, sqlite_stat1, ...): no user may create one.
bool isInternalTable(const char* table) {
    constexpr std::string_view kPrefix = "sqlite_";
    std::string_view name = table != nullptr ? table : "";
    return name.size() >= kPrefix.size() && equalsIgnoringCase(name.substr(0, kPrefix.size()), kPrefix);
}

// Virtual tables every connection has that are not documented for users.
constexpr std::array<std::string_view, 3> kHiddenVirtualTables{"dbstat", "sqlite_dbpage", "sqlite_stmt"};

// What the authorizer and the progress handler share with run().
struct Guard {
    std::vector<std::string> schemaNames; // every table, view and index in the database
    std::optional<std::string> denied;    // the first refusal, for the message
    // The first write to one of SQLite's own tables. DDL and ANALYZE write sqlite_master
    // (or create sqlite_stat1) before SQLite asks about the statement itself (DROP TABLE
    // asks DELETE on sqlite_master first, CREATE TABLE asks INSERT): that step is let
    // through so the refusal names the statement; it names this write only when nothing
    // more specific follows, and the statement is refused anyway as not read-only.
    std::optional<std::string> internalWrite;
    Clock::time_point deadline;
    std::stop_token stop;
    bool timedOut = false;
    bool cancelled = false;
};

std::string notAllowed(std::string_view what) {
    return std::string(what) + " is not allowed: POST /sql only reads the mirror";
}

int authorize(void* context, int action, const char* arg1, const char* arg2, const char* database, const char* view) {
    auto* guard = static_cast<Guard*>(context);
    auto deny = [&](std::string why) {
        if (!guard->denied) guard->denied = std::move(why);
        return SQLITE_DENY;
    };
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE: return SQLITE_OK;
    case SQLITE_READ: {
        std::string_view table = arg1 != nullptr ? arg1 : "";
        if (isReadable(table, view != nullptr ? view : "") || isSchemaPragmaTable(table)) return SQLITE_OK;
        // A column read names its database; a bare count(*) does not, and then
        // the name may be a CTE's, which is the statement's own business.
        auto named = [&](std::string_view name) { return equalsIgnoringCase(name, table); };
        bool stored = std::any_of(guard->schemaNames.begin(), guard->schemaNames.end(), named) ||
                      std::any_of(kHiddenVirtualTables.begin(), kHiddenVirtualTables.end(), named);
        if (database == nullptr && !stored) return SQLITE_OK;
        return deny("the table " + std::string(table) + " cannot be read here; POST /sql reads " + readableList());
    }
    case SQLITE_PRAGMA: {
        std::string_view name = arg1 != nullptr ? arg1 : "";
        if (isSchemaPragma(name)) return SQLITE_OK;
        return deny("PRAGMA " + std::string(name) +
                    " is not allowed: POST /sql only reads the mirror; the schema pragmas table_info, table_xinfo, "
                    "table_list, index_list, index_info, index_xinfo and foreign_key_list are");
    }
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
    case SQLITE_CREATE_TABLE:
        // Eponymous virtual tables (json_each, pragma_table_info) declare themselves through
        // an internal UPDATE of sqlite_master at prepare time, and DDL writes sqlite_master
        // before it is asked about (see Guard::internalWrite).
        if (isInternalTable(arg1)) {
            if (action != SQLITE_UPDATE && !guard->internalWrite) guard->internalWrite = actionName(action);
            return SQLITE_OK;
        }
        return deny(notAllowed(actionName(action)));
    case SQLITE_FUNCTION: {
        std::string_view name = arg2 != nullptr ? arg2 : "";
        if (equalsIgnoringCase(name, "load_extension")) return deny("load_extension() is not allowed");
        return SQLITE_OK;
    }
    default: return deny(notAllowed(actionName(action)));
    }
}

int onProgress(void* context) {
    auto* guard = static_cast<Guard*>(context);
    if (guard->stop.stop_requested()) {
        guard->cancelled = true;
        return 1;
    }
    if (Clock::now() >= guard->deadline) {
        guard->timedOut = true;
        return 1;
    }
    return 0;
}

struct StatementDeleter {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

// Installs the authorizer and the progress handler for the lifetime of the
// user's statement (a statement re-prepared after a schema change is authorized again).
class GuardScope {
public:
    GuardScope(sqlite3* db, Guard& guard) : db_(db) {
        sqlite3_set_authorizer(db_, authorize, &guard);
        sqlite3_progress_handler(db_, kProgressInterval, onProgress, &guard);
    }
    ~GuardScope() {
        sqlite3_progress_handler(db_, 0, nullptr, nullptr);
        sqlite3_set_authorizer(db_, nullptr, nullptr);
    }
    GuardScope(const GuardScope&) = delete;
    GuardScope& operator=(const GuardScope&) = delete;

private:
    sqlite3* db_;
};

// BEGIN ... COMMIT around the statement, so it and the freshness read one snapshot.
class ReadSnapshot {
public:
    explicit ReadSnapshot(sqlite3* db) : db_(db) {
        open_ = sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
    }
    ~ReadSnapshot() {
        if (open_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;
    bool open() const { return open_; }

private:
    sqlite3* db_;
    bool open_ = false;
};

Error refusal(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }

// Where the first thing that is not white space, a semicolon or a comment starts in `text`.
std::size_t skipTrivia(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == ';') {
            ++i;
        } else if (text.substr(i, 2) == "--") {
            auto end = text.find('\n', i);
            i = end == std::string_view::npos ? text.size() : end + 1;
        } else if (text.substr(i, 2) == "/*") {
            auto end = text.find("*/", i + 2);
            i = end == std::string_view::npos ? text.size() : end + 2;
        } else {
            break;
        }
    }
    return i;
}

// True when `tail` holds nothing but white space, semicolons and comments.
bool onlyTrivia(std::string_view tail) { return skipTrivia(tail) == tail.size(); }

// The statement's first word in capitals ("VACUUM"), for a refusal the authorizer did not name.
std::string leadingKeyword(std::string_view sql) {
    std::string word;
    for (std::size_t i = skipTrivia(sql);
         i < sql.size() && word.size() < 20 && std::isalpha(static_cast<unsigned char>(sql[i])); ++i)
        word += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
    return word.empty() ? "this statement" : word;
}

SqlValue columnValue(sqlite3_stmt* stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER: return std::int64_t{sqlite3_column_int64(stmt, i)};
    case SQLITE_FLOAT: return sqlite3_column_double(stmt, i);
    case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        return std::string(text != nullptr ? text : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
    }
    case SQLITE_BLOB: {
        const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        return SqlBlob{
            std::string(data != nullptr ? data : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)))};
    }
    default: return std::monostate{};
    }
}

int bindParam(sqlite3_stmt* stmt, int index, const SqlParam& param) {
    if (const auto* i = std::get_if<std::int64_t>(&param)) return sqlite3_bind_int64(stmt, index, *i);
    if (const auto* d = std::get_if<double>(&param)) return sqlite3_bind_double(stmt, index, *d);
    if (const auto* s = std::get_if<std::string>(&param))
        return sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return sqlite3_bind_null(stmt, index);
}

} // namespace

std::span<const std::string_view> sqlReadableTables() { return std::span(kReadable.data(), 8); }

SqlRunner::SqlRunner(SQLite::Database& db, const SqlLimits& limits) : db_(db), limits_(limits) {
    sqlite3* handle = db_.getHandle();
    // No single value may outgrow the answer (a memory guard against randomblob(1e9)); never
    // below 1 MiB, which the schema's own CREATE statements must fit in.
    std::size_t valueBytes = limits_.maxValueBytes != 0 ? limits_.maxValueBytes : limits_.maxBytes;
    std::size_t cap = std::max<std::size_t>(valueBytes + 1, 1u << 20);
    int longest = static_cast<int>(std::min<std::size_t>(cap, INT_MAX));
    sqlite3_limit(handle, SQLITE_LIMIT_LENGTH, longest);
    sqlite3_limit(handle, SQLITE_LIMIT_ATTACHED, 0);
}

Result<SqlAnswer> SqlRunner::run(std::string_view sql, std::span<const SqlParam> params, SqlSink& sink,
                                 std::stop_token stop) {
    SqlAnswer outcome;
    sqlite3* db = db_.getHandle();
    try {
        ReadSnapshot snapshot(db);
        if (!snapshot.open()) {
            return refusal(ErrorKind::Storage, std::string("cannot start a read: ") + sqlite3_errmsg(db));
        }
        outcome.syncedAt = lastSyncedAt(db_, model::allSchemas());

        Guard guard;
        {
            SQLite::Statement schema(db_, "SELECT name FROM sqlite_schema");
            while (schema.executeStep()) guard.schemaNames.push_back(schema.getColumn(0).getString());
        }
        guard.deadline = Clock::now() + limits_.timeout;
        guard.stop = stop;
        GuardScope scope(db, guard);

        sqlite3_stmt* raw = nullptr;
        const char* tail = nullptr;
        int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), 0, &raw, &tail);
        StatementPtr stmt(raw);
        if (rc != SQLITE_OK) {
            std::string_view message = sqlite3_errmsg(db);
            if (rc == SQLITE_AUTH || guard.denied || message.find("may not be modified") != std::string_view::npos)
                return refusal(ErrorKind::Forbidden, guard.denied.value_or(sqlite3_errmsg(db)));
            else if (rc == SQLITE_TOOBIG)
                return refusal(ErrorKind::TooLarge, sqlite3_errmsg(db));
            else
                return refusal(ErrorKind::Usage, sqlite3_errmsg(db));
        }
        if (!stmt) {
            return refusal(ErrorKind::Usage, "the request holds no SQL statement");
        }
        std::string_view rest = tail != nullptr ? sql.substr(static_cast<std::size_t>(tail - sql.data())) : "";
        if (!onlyTrivia(rest)) {
            return refusal(ErrorKind::Usage, "POST /sql runs exactly one statement; remove what follows "
                                             "the first one (at byte " +
                                                 std::to_string(sql.size() - rest.size()) + ")");
        }
        if (!sqlite3_stmt_readonly(stmt.get()))
            return refusal(ErrorKind::Forbidden, notAllowed(guard.internalWrite.value_or(leadingKeyword(sql))));
        int expected = sqlite3_bind_parameter_count(stmt.get());
        if (static_cast<std::size_t>(expected) != params.size()) {
            return refusal(ErrorKind::Usage, "the statement takes " + std::to_string(expected) + " parameter(s) but " +
                                                 std::to_string(params.size()) + " were given");
        }
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (bindParam(stmt.get(), static_cast<int>(i) + 1, params[i]) != SQLITE_OK) {
                return refusal(ErrorKind::Usage,
                               "cannot bind parameter " + std::to_string(i + 1) + ": " + sqlite3_errmsg(db));
            }
        }

        int columnCount = sqlite3_column_count(stmt.get());
        std::vector<std::string> names;
        for (int i = 0; i < columnCount; ++i) {
            const char* name = sqlite3_column_name(stmt.get(), i);
            names.emplace_back(name != nullptr ? name : "");
        }
        sink.snapshot(outcome.syncedAt);
        sink.columns(names);
        std::vector<SqlValue> row(static_cast<std::size_t>(columnCount));
        while (true) {
            rc = sqlite3_step(stmt.get());
            if (rc == SQLITE_DONE) break;
            if (rc != SQLITE_ROW) {
                if (guard.timedOut)
                    return refusal(ErrorKind::Timeout, "the query ran longer than " +
                                                           std::to_string(limits_.timeout.count()) +
                                                           " ms (server.sql_timeout_ms); narrow it or add "
                                                           "an index-friendly condition");
                else if (guard.cancelled)
                    return refusal(ErrorKind::Cancelled, "the query was stopped: roomsd is shutting down");
                else if (guard.denied)
                    return refusal(ErrorKind::Forbidden, *guard.denied);
                else if (rc == SQLITE_TOOBIG)
                    return refusal(ErrorKind::TooLarge,
                                   std::string(sqlite3_errmsg(db)) + ": a value is larger than server.sql_max_bytes");
                else if ((rc & 0xff) == SQLITE_ERROR || (rc & 0xff) == SQLITE_MISMATCH || (rc & 0xff) == SQLITE_RANGE)
                    return refusal(ErrorKind::Usage, sqlite3_errmsg(db));
                else
                    return refusal(ErrorKind::Storage, sqlite3_errmsg(db));
            }
            if (outcome.rows >= limits_.maxRows) {
                return refusal(ErrorKind::TooLarge, "the answer has more than " + std::to_string(limits_.maxRows) +
                                                        " rows (server.sql_max_rows); add a LIMIT or narrow "
                                                        "the query");
            }
            for (int i = 0; i < columnCount; ++i) row[static_cast<std::size_t>(i)] = columnValue(stmt.get(), i);
            ++outcome.rows;
            if (sink.row(row) > limits_.maxBytes) {
                return refusal(ErrorKind::TooLarge, "the answer is larger than " + std::to_string(limits_.maxBytes) +
                                                        " bytes (" + std::string(limits_.maxBytesKey) +
                                                        "); select fewer columns or rows");
            }
        }
        return outcome;
    } catch (const std::exception& e) {
        return refusal(ErrorKind::Storage, e.what());
    }
}

} // namespace roomsd::store
