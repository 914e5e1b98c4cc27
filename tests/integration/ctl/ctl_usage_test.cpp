// roomsctl as people use it (issue 12): tables that fit, SQL from standard input and files,
// the schema, refusals that name the statement, exports of any size streamed and cut short
// visibly, exit statuses, help and completion. The real roomsctl, roomsd and telnyx-sim.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <fstream>
#include <sstream>

#include "ctl/text.hpp"
#include "ctl_fixture.hpp"
#include "model/records.hpp"
#include "support/http.hpp"
#include "support/json.hpp"
#include "support/sim_control.hpp"
#include "support/text.hpp"

using namespace roomsd;
using namespace roomsd::test;
namespace json = boost::json;

namespace {

constexpr std::size_t kTerminalWidth = 120;

// Every line of `table` fits a 120-column terminal.
void checkFits(const std::string& table) {
    for (const auto& line : linesOf(table)) {
        INFO(line);
        CHECK(ctl::displayWidth(line) <= kTerminalWidth);
    }
}

std::vector<std::string> defaultColumns(const model::RecordSchema& schema) {
    std::vector<std::string> names;
    for (const auto& f : schema.fields)
        if (f.inDefaultTable) names.emplace_back(f.name);
    return names;
}

// Plants `count` participants straight into the mirror's file (the API is read-only).
void plantParticipants(const std::filesystem::path& database, int count) {
    SQLite::Database db(database.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA busy_timeout = 10000");
    SQLite::Transaction transaction(db);
    SQLite::Statement insert(db, "INSERT INTO room_participants (id, session_id, context, joined_at, left_at, "
                                 "record_type, upstream_json, synced_at) VALUES (printf('planted-%07d', ?1), "
                                 "(SELECT id FROM room_sessions ORDER BY id LIMIT 1), "
                                 "CASE WHEN ?1 % 3 = 0 THEN NULL ELSE printf('ctx \"%d\", ok', ?1) END, "
                                 "'2026-05-01T10:00:00Z', CASE WHEN ?1 % 2 = 0 THEN '2026-05-01T10:30:00Z' END, "
                                 "'room_participant', '{}', '2026-05-01T10:00:00Z')");
    for (int i = 0; i < count; ++i) {
        insert.bind(1, i);
        insert.exec();
        insert.reset();
    }
    transaction.commit();
}

constexpr const char* kExport = "SELECT participant_id, session_id, room_id, context, joined_at, left_at, "
                                "seconds_in_session FROM participant_stats ORDER BY participant_id";

// The rows of kExport read from the file itself; nullopt for NULL.
std::vector<std::vector<std::optional<std::string>>> directRead(const std::filesystem::path& database) {
    SQLite::Database db(database.string(), SQLite::OPEN_READONLY);
    SQLite::Statement query(db, kExport);
    std::vector<std::vector<std::optional<std::string>>> rows;
    while (query.executeStep()) {
        std::vector<std::optional<std::string>> row;
        for (int i = 0; i < query.getColumnCount(); ++i) {
            auto column = query.getColumn(i);
            if (column.isNull())
                row.emplace_back(std::nullopt);
            else if (column.isFloat())
                row.emplace_back(std::to_string(column.getDouble()));
            else
                row.emplace_back(column.getString());
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

std::string written(const std::filesystem::path& path, const std::string& text) {
    writeFile(path, text);
    return path.string();
}

} // namespace

TEST_CASE("default tables fit 120 columns, --columns and --wide choose others, null differs from empty") {
    SyncedMirror mirror;
    json::object account = mirror.sim().control().account();
    for (const model::RecordSchema* schema : model::allSchemas()) {
        INFO(schema->name);
        RunResult table = mirror.ctl({std::string(schema->name), "--all", "--format", "table"});
        REQUIRE(table.exitCode == 0);
        CHECK(words(linesOf(table.out)[0]) == defaultColumns(*schema));
        checkFits(table.out);

        std::string id(account.at(schema->table).as_array()[0].at("id").as_string());
        RunResult detail = mirror.ctl({"get", std::string(schema->name), id, "--format", "table"});
        CHECK(detail.exitCode == 0);
        checkFits(detail.out);

        RunResult wide = mirror.ctl({std::string(schema->name), "--wide", "--format", "table"});
        std::vector<std::string> all;
        for (const auto& f : schema->fields) all.emplace_back(f.name);
        CHECK(words(linesOf(wide.out)[0]) == all);

        RunResult chosen = mirror.ctl({std::string(schema->name), "--columns", "record_type,id", "--format", "table"});
        CHECK(words(linesOf(chosen.out)[0]) == std::vector<std::string>{"record_type", "id"});
        RunResult csv = mirror.ctl({std::string(schema->name), "--columns", "id,record_type", "--format", "csv"});
        CHECK(linesOf(csv.out, "\r\n")[0] == "id,record_type");

        RunResult unknown = mirror.ctl({std::string(schema->name), "--columns", "id,colour", "--format", "table"});
        CHECK(unknown.exitCode == 2);
        CHECK(unknown.out.empty());
        CHECK(unknown.err.find("no column 'colour'; the columns are id, ") != std::string::npos);
    }

    // The sim gives some rooms a null failover URL and some an empty one.
    RunResult urls = mirror.ctl({"rooms", "--all", "--columns", "id,webhook_event_failover_url", "--format", "table"});
    REQUIRE(urls.exitCode == 0);
    int nulls = 0, empties = 0;
    for (const auto& room : account.at("rooms").as_array()) {
        std::string id(room.at("id").as_string());
        const json::value& url = room.at("webhook_event_failover_url");
        auto at = urls.out.find("\n" + id);
        REQUIRE(at != std::string::npos);
        std::string line = urls.out.substr(at + 1, urls.out.find('\n', at + 1) - at - 1);
        if (url.is_null()) {
            ++nulls;
            CHECK(words(line) == std::vector<std::string>{id, "NULL"});
        } else if (url.as_string().empty()) {
            ++empties;
            CHECK(line == id);
        }
    }
    CHECK(nulls > 0);
    CHECK(empties > 0);
    RunResult dash = mirror.ctl(
        {"rooms", "--all", "--columns", "webhook_event_failover_url", "--null", "(null)", "--format", "table"});
    CHECK(dash.out.find("\n(null)\n") != std::string::npos);
}

TEST_CASE("rooms with their sessions in a table: each room's sessions under it, indented, within 120 columns") {
    SyncedMirror mirror;
    json::object account = mirror.sim().control().account();
    RunResult table = mirror.ctl({"rooms", "--include-sessions", "--all", "--format", "table"});
    REQUIRE(table.exitCode == 0);
    checkFits(table.out);
    auto lines = linesOf(table.out);
    std::size_t sessionsSeen = 0;
    for (const auto& room : account.at("rooms").as_array()) {
        std::string id(room.at("id").as_string());
        std::vector<std::string> expected;
        for (const auto& s : account.at("room_sessions").as_array())
            if (s.at("room_id") == room.at("id")) expected.emplace_back(s.at("id").as_string());
        auto at = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) { return l.starts_with(id); });
        REQUIRE(at != lines.end());
        std::vector<std::string> under;
        if (!expected.empty()) {
            CHECK(*(at + 1) ==
                  "    " + std::to_string(expected.size()) + (expected.size() == 1 ? " session:" : " sessions:"));
            CHECK(words(*(at + 2)) == std::vector<std::string>{"id", "active", "created_at"});
            for (auto l = at + 3; l != lines.end() && l->starts_with("    "); ++l) under.push_back(words(*l)[0]);
        }
        std::sort(expected.begin(), expected.end());
        std::sort(under.begin(), under.end());
        CHECK(under == expected);
        sessionsSeen += under.size();
    }
    CHECK(sessionsSeen == account.at("room_sessions").as_array().size());
}

TEST_CASE("sql reads its statement from standard input and files, schema lists what it reads") {
    SyncedMirror mirror;
    TempDir dir;
    std::string rooms = std::to_string(mirror.sim().control().account().at("rooms").as_array().size());

    SpawnOptions fromStdin;
    fromStdin.stdinPath = written(dir / "q.sql", "-- count them\nSELECT count(*) AS n\n  FROM rooms;\n");
    RunResult piped = mirror.ctl({"sql", "-", "--format", "csv"}, fromStdin);
    INFO(piped.err);
    CHECK(piped.exitCode == 0);
    CHECK(piped.out == "n\r\n" + rooms + "\r\n");

    RunResult file = mirror.ctl({"sql", "--file", (dir / "q.sql").string(), "--format", "csv"});
    CHECK(file.exitCode == 0);
    CHECK(file.out == "n\r\n" + rooms + "\r\n");
    RunResult missing = mirror.ctl({"sql", "--file", (dir / "none.sql").string()});
    CHECK(missing.exitCode == 2);
    RunResult neither = mirror.ctl({"sql"});
    CHECK(neither.exitCode == 2);

    RunResult schema = mirror.ctl({"schema", "--format", "table"});
    INFO(schema.err);
    REQUIRE(schema.exitCode == 0);
    for (const char* name :
         {"rooms (table)", "room_sessions (table)", "room_participants (table)", "sync_state (table)",
          "sync_runs (table)", "session_stats (view)", "participant_stats (view)", "room_daily_activity (view)"})
        CHECK((schema.out.find(std::string("\n") + name + "\n") != std::string::npos || schema.out.starts_with(name)));
    json::value roomsColumns = mirror.ctlJson({"schema", "rooms"});
    std::vector<std::string> names;
    for (const auto& row : roomsColumns.at("rows").as_array()) {
        CHECK(row.at(0) == "rooms");
        names.emplace_back(row.at(2).as_string());
    }
    for (const auto& f : model::roomsSchema().fields)
        CHECK(std::find(names.begin(), names.end(), std::string(f.name)) != names.end());
    CHECK(mirror.ctl({"schema", "no_such_table"}).exitCode == 1);
}

TEST_CASE("schema pragmas are allowed and each refusal names the statement refused") {
    SyncedMirror mirror;
    json::value info = mirror.ctlJson({"sql", "PRAGMA table_info(rooms)"});
    CHECK(info.at("columns").at(1) == "name");
    CHECK(info.at("rows").at(0).at(1) == "id");
    json::value listed = mirror.ctlJson({"sql", "SELECT name FROM pragma_index_list('rooms') ORDER BY name LIMIT 1"});
    CHECK(listed.at("rows").as_array().size() == 1);
    json::value tables = mirror.ctlJson({"sql", "SELECT count(*) FROM pragma_table_list WHERE name = 'rooms'"});
    CHECK(tables.at("rows").at(0).at(0) == json::value(1));

    const std::vector<std::pair<std::string, std::string>> refusals{
        {"DROP TABLE rooms", "DROP TABLE is not allowed"},
        {"CREATE TABLE t(x)", "CREATE TABLE is not allowed"},
        {"ANALYZE", "ANALYZE is not allowed"},
        {"DELETE FROM rooms", "DELETE is not allowed"},
        {"PRAGMA journal_mode = DELETE", "PRAGMA journal_mode is not allowed"},
        {"PRAGMA user_version = 9", "PRAGMA user_version is not allowed"},
    };
    for (const auto& [sql, message] : refusals) {
        RunResult refused = mirror.ctl({"sql", sql, "--format", "table"});
        INFO(sql << ": " << refused.err);
        CHECK(refused.exitCode == 1);
        CHECK(refused.err.starts_with("roomsctl: " + message));
    }
}

TEST_CASE("an export of more than 100,000 rows streams as CSV and JSON lines equal to the file's rows") {
    SyncedMirror mirror;
    plantParticipants(mirror.database(), 120'000);
    auto expected = directRead(mirror.database());
    REQUIRE(expected.size() > 120'000);

    RunResult csv = mirror.ctl({"--format", "csv", "sql", kExport});
    INFO(csv.err);
    REQUIRE(csv.exitCode == 0);
    auto rows = parseCsv(csv.out);
    REQUIRE(rows.size() == expected.size() + 1);
    CHECK(rows[0] == std::vector<std::string>{"participant_id", "session_id", "room_id", "context", "joined_at",
                                              "left_at", "seconds_in_session"});
    std::size_t different = 0;
    for (std::size_t i = 0; i < expected.size(); ++i)
        for (std::size_t c = 0; c < 6; ++c) // the real column is compared as JSON below
            if (rows[i + 1][c] != expected[i][c].value_or("")) ++different;
    CHECK(different == 0);

    RunResult lines = mirror.ctl({"--format", "jsonl", "sql", kExport});
    REQUIRE(lines.exitCode == 0);
    auto objects = linesOf(lines.out);
    REQUIRE(objects.size() == expected.size());
    different = 0;
    const char* names[] = {"participant_id", "session_id", "room_id",           "context",
                           "joined_at",      "left_at",    "seconds_in_session"};
    for (std::size_t i = 0; i < expected.size(); ++i) {
        json::object row = json::parse(objects[i]).as_object();
        if (row.size() != 7) ++different;
        for (std::size_t c = 0; c < 7; ++c) {
            const json::value& got = row.at(names[c]);
            if (!expected[i][c]) {
                if (!got.is_null()) ++different;
            } else if (c == 6) {
                if (!got.is_number() || std::to_string(got.to_number<double>()) != *expected[i][c]) ++different;
            } else if (!got.is_string() || got.as_string() != *expected[i][c]) {
                ++different;
            }
        }
    }
    CHECK(different == 0);

    // server.sql_max_rows still bounds the answers that are not streamed.
    RunResult whole = mirror.ctl({"--format", "json", "sql", kExport});
    CHECK(whole.exitCode == 1);
    CHECK(whole.err.find("server.sql_max_rows") != std::string::npos);
}

TEST_CASE("an export cut short by server.sql_max_export_bytes says so and exits 1") {
    SyncedMirror mirror({"--rooms", "20", "--seed", "7"}, {}, {{"server", "sql_max_export_bytes: 200000"}});
    plantParticipants(mirror.database(), 20'000);
    for (const char* format : {"csv", "jsonl"}) {
        RunResult cut = mirror.ctl({"--format", format, "sql", kExport});
        INFO(format << ": " << cut.err);
        CHECK(cut.exitCode == 1);
        CHECK(cut.err.find("cut short") != std::string::npos);
        CHECK(cut.err.find("server.sql_max_export_bytes") != std::string::npos);
        CHECK(cut.out.size() > 100000); // the rows up to the limit did arrive
        CHECK(cut.out.size() < 300000);
        std::string last = linesOf(cut.out).back();
        if (std::string(format) == "csv")
            CHECK(last.starts_with("roomsd error: "));
        else
            CHECK(json::parse(last).as_object().contains("errors"));
    }

    // Any HTTP client sees the answer as incomplete: it lacks the last chunk.
    test::HttpRequest request;
    request.method = "POST";
    request.url = "http://localhost/sql";
    request.unixSocket = mirror.socket().string();
    request.headers = {"Accept: text/csv", "Content-Type: text/plain"};
    request.body = kExport;
    HttpResponse cut = send(request);
    CHECK(cut.status == 0);
    CHECK(cut.error.find("partial") != std::string::npos);
    CHECK(cut.body.find("\r\nroomsd error: the answer is larger than 200000 bytes (server.sql_max_export_bytes)") !=
          std::string::npos);
    request.body = "SELECT id FROM rooms";
    HttpResponse whole = send(request);
    CHECK(whole.status == 200);
    CHECK(whole.header("transfer-encoding") == "chunked");
    CHECK(whole.header("content-type") == "text/csv; charset=utf-8");
    CHECK(whole.body.starts_with("id\r\n"));
    CHECK(linesOf(whole.body).size() == 21);
}

TEST_CASE("status exits 4 when a stream's last pass failed, and the log names levels as the config does") {
    SyncedMirror mirror;
    CHECK(mirror.ctl({"status", "--format", "json"}).exitCode == 0);
    mirror.sim().control().addFaults(
        json::array{json::object{{"path", "/v2/rooms"}, {"kind", "status"}, {"status", 500}, {"times", 100}}});
    std::string before = mirror.ctlJson({"status"})
                             .at("sync")
                             .at("streams")
                             .at("rooms")
                             .at("last_run")
                             .at("finished_at")
                             .as_string()
                             .c_str();
    REQUIRE(mirror.ctl({"sync"}).exitCode == 0);
    CHECK(eventually(
        [&] {
            RunResult r = mirror.ctl({"status", "--format", "json"});
            json::value s = json::parse(r.out);
            return s.at("sync").at("running") == json::value(false) &&
                   s.at("sync").at("streams").at("rooms").at("last_run").at("finished_at") != json::value(before);
        },
        std::chrono::seconds(60)));
    for (const char* format : {"json", "table", "csv"}) {
        RunResult failed = mirror.ctl({"status", "--format", format});
        INFO(format);
        CHECK(failed.exitCode == 4);
        CHECK_FALSE(failed.out.empty());
    }
    // The retried 500s were logged at warn, with the request target readable.
    std::string log = mirror.log();
    INFO(log);
    CHECK(log.find(" warn GET /rooms?") != std::string::npos);
    CHECK(log.find("page[size]=50") != std::string::npos);
    CHECK(log.find(" warning ") == std::string::npos);
    CHECK(log.find("%5B") == std::string::npos);
    CHECK(log.find(" info ") != std::string::npos);
}

TEST_CASE("every command's help lists the global options and the completion scripts parse") {
    for (const char* command : {"status", "rooms", "sessions", "participants", "get", "sql", "schema", "sync",
                                "changes", "consumers", "report", "completion"}) {
        RunResult help = runRoomsctl({command, "--help"});
        INFO(command);
        CHECK(help.exitCode == 0);
        for (const char* option : {"--socket", "--format", "--timeout", "--null"})
            CHECK(help.out.find(option) != std::string::npos);
    }
    TempDir dir;
    for (const char* shell : {"bash", "zsh"}) {
        RunResult script = runRoomsctl({"completion", shell});
        INFO(shell);
        REQUIRE(script.exitCode == 0);
        CHECK(script.out.find("--include-sessions") != std::string::npos);
        CHECK(script.out.find("schema") != std::string::npos);
        CHECK(script.out.find("--follow") != std::string::npos);
        CHECK(script.out.find("room_participants") != std::string::npos);
        std::string path = written(dir / shell, script.out);
        // `bash -n` and `zsh -n` (scripts/lib.sh installs zsh; a machine without it skips that check).
        RunResult parsed =
            run({"/bin/sh", "-c", std::string("! command -v ") + shell + " >/dev/null || " + shell + " -n " + path});
        INFO(parsed.err);
        CHECK(parsed.exitCode == 0);
    }
    CHECK(runRoomsctl({"completion", "fish"}).exitCode == 2);
}
