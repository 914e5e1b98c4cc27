// SqlRunner: answers, parameters, and every refusal with its kind.
#include <catch2/catch.hpp>

#include "api/sql_encoding.hpp"
#include "store/database.hpp"
#include "store/sql_query.hpp"
#include "support/process.hpp"

using namespace roomsd;

namespace {

// The refusals by the names the query API answers them with (400, 403, 413, 422, 503).
namespace SqlRefusal {
constexpr ErrorKind Invalid = ErrorKind::Usage;
constexpr ErrorKind Forbidden = ErrorKind::Forbidden;
constexpr ErrorKind TooLarge = ErrorKind::TooLarge;
constexpr ErrorKind Timeout = ErrorKind::Timeout;
constexpr ErrorKind Cancelled = ErrorKind::Cancelled;
} // namespace SqlRefusal

std::optional<Error> errorOf(const Result<store::SqlAnswer>& outcome) {
    if (outcome) return std::nullopt;
    return outcome.error();
}

struct Fixture {
    test::TempDir dir;
    Fixture() {
        auto writer = store::openWriter(dir / "mirror.db");
        writer.exec("INSERT INTO rooms (id, unique_name, upstream_json, synced_at) VALUES ('r1', 'one', '{}', 'x'),"
                    " ('r2', 'two', '{}', 'x')");
    }
    std::optional<Error> refusal(const std::string& sql, store::SqlLimits limits = {},
                                 std::vector<store::SqlParam> params = {}) {
        auto db = store::openReader(dir / "mirror.db");
        store::SqlRunner runner(db, limits);
        api::JsonAnswer sink;
        return errorOf(runner.run(sql, params, sink, {}));
    }
    std::string answer(const std::string& sql, std::vector<store::SqlParam> params = {}) {
        auto db = store::openReader(dir / "mirror.db");
        store::SqlRunner runner(db, {});
        api::JsonAnswer sink;
        auto outcome = runner.run(sql, params, sink, {});
        if (!outcome) FAIL(outcome.error().message);
        return sink.finish();
    }
};

ErrorKind kindOf(const std::optional<Error>& error) {
    REQUIRE(error);
    return error->kind;
}

} // namespace

TEST_CASE("a read answers rows, with parameters bound positionally") {
    Fixture f;
    CHECK(f.answer("SELECT id, unique_name FROM rooms ORDER BY id") ==
          R"({"columns":["id","unique_name"],"rows":[["r1","one"],["r2","two"]]})");
    CHECK(f.answer("SELECT id FROM rooms WHERE unique_name = ?1 OR id = ?2", {std::string("two"), std::string("x")}) ==
          R"({"columns":["id"],"rows":[["r2"]]})");
    CHECK(f.answer("SELECT count(*) AS n FROM session_stats") == R"({"columns":["n"],"rows":[[0]]})");
    CHECK(f.answer("SELECT value FROM json_each('[1]')") == R"({"columns":["value"],"rows":[[1]]})");
    CHECK(f.answer("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 3) SELECT count(*) FROM c") ==
          R"j({"columns":["count(*)"],"rows":[[3]]})j");
    CHECK(f.answer("  SELECT 1; -- trailing comment\n ;") == R"({"columns":["1"],"rows":[[1]]})");
}

TEST_CASE("writes, schema changes and connection changes are forbidden") {
    Fixture f;
    for (const char* sql :
         {"INSERT INTO rooms (id, upstream_json, synced_at) VALUES ('x', '{}', 'x')",
          "UPDATE rooms SET unique_name = 1", "DELETE FROM rooms", "DROP TABLE rooms", "CREATE TABLE t (x)",
          "CREATE TEMP TABLE t (x)", "ALTER TABLE rooms ADD COLUMN x", "CREATE INDEX i ON rooms (unique_name)",
          "ATTACH ':memory:' AS other", "DETACH main", "PRAGMA query_only = OFF", "PRAGMA user_version", "BEGIN",
          "COMMIT", "SAVEPOINT s", "VACUUM", "ANALYZE", "REINDEX", "SELECT load_extension('libx')",
          "SELECT * FROM schema_migrations", "SELECT count(*) FROM schema_migrations",
          // The rollup's tables are read through room_daily_activity only.
          "SELECT * FROM room_daily_rollup", "SELECT count(*) FROM room_daily_dirty",
          "SELECT * FROM room_daily_pending", "SELECT * FROM dbstat", "PRAGMA journal_mode = DELETE",
          "SELECT * FROM pragma_user_version", "UPDATE sqlite_master SET sql = ''",
          "REPLACE INTO sync_state (stream) VALUES ('rooms')"}) {
        INFO(sql);
        CHECK(kindOf(f.refusal(sql)) == SqlRefusal::Forbidden);
    }
}

TEST_CASE("each refusal names the statement refused, not the step SQLite asked about first") {
    Fixture f;
    const std::vector<std::pair<std::string, std::string>> cases{
        {"DROP TABLE rooms", "DROP TABLE is not allowed"},
        {"DROP VIEW session_stats", "DROP VIEW is not allowed"},
        {"DROP INDEX rooms_updated_at", "DROP INDEX is not allowed"},
        {"CREATE TABLE t (x)", "CREATE TABLE is not allowed"},
        {"CREATE TEMP TABLE t (x)", "CREATE TABLE is not allowed"},
        {"CREATE VIEW v AS SELECT 1", "CREATE VIEW is not allowed"},
        {"CREATE INDEX i ON rooms (unique_name)", "CREATE INDEX is not allowed"},
        {"ANALYZE", "ANALYZE is not allowed"},
        {"ANALYZE rooms", "ANALYZE is not allowed"},
        {"ALTER TABLE rooms ADD COLUMN x", "ALTER TABLE is not allowed"},
        {"DELETE FROM rooms", "DELETE is not allowed"},
        {"INSERT INTO rooms (id, upstream_json, synced_at) VALUES ('x', '{}', 'x')", "INSERT is not allowed"},
        {"UPDATE rooms SET unique_name = 1", "UPDATE is not allowed"},
        {"PRAGMA user_version = 3", "PRAGMA user_version is not allowed"},
        {"REINDEX", "REINDEX is not allowed"},
        {"VACUUM", "VACUUM is not allowed"},
        {"BEGIN", "a transaction (BEGIN, COMMIT, ROLLBACK) is not allowed"},
    };
    for (const auto& [sql, message] : cases) {
        INFO(sql);
        auto error = f.refusal(sql);
        CHECK(kindOf(error) == SqlRefusal::Forbidden);
        CHECK(error->message.starts_with(message));
    }
}

TEST_CASE("schema pragmas and their table-valued functions read the schema") {
    Fixture f;
    CHECK(f.answer("SELECT name, type FROM pragma_table_info('rooms') WHERE cid < 2") ==
          R"({"columns":["name","type"],"rows":[["id","TEXT"],["unique_name","TEXT"]]})");
    CHECK(f.answer("SELECT name FROM pragma_table_xinfo('sync_state') WHERE cid = 0") ==
          R"({"columns":["name"],"rows":[["stream"]]})");
    CHECK(f.answer("SELECT count(*) > 0 FROM pragma_index_list('rooms')") ==
          R"j({"columns":["count(*) > 0"],"rows":[[1]]})j");
    CHECK(f.answer("SELECT name FROM pragma_index_info('rooms_unique_name')") ==
          R"({"columns":["name"],"rows":[["unique_name"]]})");
    CHECK(f.answer("SELECT type FROM pragma_table_list WHERE name = 'session_stats'") ==
          R"({"columns":["type"],"rows":[["view"]]})");
    CHECK(f.answer("SELECT m.name, p.name FROM sqlite_schema AS m, pragma_table_info(m.name) AS p "
                   "WHERE m.name = 'rooms' AND p.cid = 0") == R"({"columns":["name","name"],"rows":[["rooms","id"]]})");
    CHECK(f.answer("PRAGMA table_info(rooms)").starts_with(R"({"columns":["cid","name","type","notnull")"));
    CHECK(f.answer("PRAGMA index_list('rooms')").starts_with(R"({"columns":["seq","name","unique")"));
    CHECK(f.answer("PRAGMA main.table_list").starts_with(R"({"columns":["schema","name","type")"));
}

TEST_CASE("bad SQL is invalid, with SQLite's message") {
    Fixture f;
    auto syntax = f.refusal("SELEC 1");
    CHECK(kindOf(syntax) == SqlRefusal::Invalid);
    CHECK(syntax->message.find("syntax error") != std::string::npos);
    CHECK(kindOf(f.refusal("")) == SqlRefusal::Invalid);
    CHECK(kindOf(f.refusal("  -- nothing\n")) == SqlRefusal::Invalid);
    CHECK(kindOf(f.refusal("SELECT * FROM no_such_table")) == SqlRefusal::Invalid);
    CHECK(kindOf(f.refusal("SELECT 1; SELECT 2")) == SqlRefusal::Invalid);
    CHECK(kindOf(f.refusal("SELECT 1; DELETE FROM rooms")) == SqlRefusal::Invalid);
    CHECK(kindOf(f.refusal("SELECT ?1, ?2", {}, {std::int64_t{1}})) == SqlRefusal::Invalid);
    CHECK(kindOf(f.refusal("SELECT 1", {}, {std::int64_t{1}})) == SqlRefusal::Invalid);
}

TEST_CASE("answers past the row or byte limit are refused, not cut short") {
    Fixture f;
    store::SqlLimits rows;
    rows.maxRows = 1;
    CHECK(kindOf(f.refusal("SELECT id FROM rooms", rows)) == SqlRefusal::TooLarge);
    CHECK_FALSE(f.refusal("SELECT id FROM rooms LIMIT 1", rows));
    store::SqlLimits bytes;
    bytes.maxBytes = 60;
    CHECK(kindOf(f.refusal("SELECT printf('%.200c', 'x')", bytes)) == SqlRefusal::TooLarge);
    CHECK_FALSE(f.refusal("SELECT printf('%.20c', 'x') AS v", bytes));
    CHECK(kindOf(f.refusal("SELECT id FROM rooms, (SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4)", bytes)) ==
          SqlRefusal::TooLarge);
}

TEST_CASE("a query past its time limit is stopped") {
    Fixture f;
    store::SqlLimits limits;
    limits.timeout = std::chrono::milliseconds(100);
    auto started = std::chrono::steady_clock::now();
    auto error =
        f.refusal("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", limits);
    CHECK(kindOf(error) == SqlRefusal::Timeout);
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(100));
}

TEST_CASE("a stop request interrupts a running query") {
    Fixture f;
    auto db = store::openReader(f.dir / "mirror.db");
    store::SqlRunner runner(db, {});
    api::JsonAnswer sink;
    std::stop_source stop;
    stop.request_stop();
    auto outcome = runner.run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
                              {}, sink, stop.get_token());
    CHECK(kindOf(errorOf(outcome)) == SqlRefusal::Cancelled);
}
