// POST /sql, GET /status, GET /metrics, POST /sync and the freshness header,
// against a real roomsd that mirrored a telnyx-sim account.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <regex>

#include "support/daemon.hpp"

using namespace roomsd::test;
namespace json = boost::json;

namespace {

std::int64_t count(const RoomsdDaemon& daemon, const std::string& sql) {
    SQLite::Database db(daemon.database().string(), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
}

json::value sqlJson(const RoomsdDaemon& daemon, const std::string& body, std::vector<std::string> headers = {}) {
    HttpResponse r = daemon.post("/sql", body, std::move(headers));
    INFO(body << " -> " << r.body);
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    return json::parse(r.body);
}

// The value of the sample `name{labels}` in a metrics document, or nullopt.
std::optional<double> sample(const std::string& metrics, const std::string& series) {
    std::size_t at = metrics.find("\n" + series + " ");
    if (at == std::string::npos) return std::nullopt;
    return std::stod(metrics.substr(at + series.size() + 2));
}

} // namespace

TEST_CASE("POST /sql answers JSON with SQLite's types, and the views") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    json::value rooms = sqlJson(daemon, "SELECT count(*) AS n, max(max_participants) AS most FROM rooms");
    CHECK(rooms.at("columns") == json::parse(R"(["n","most"])"));
    CHECK(rooms.at("rows").at(0).at(0).as_int64() == count(daemon, "SELECT count(*) FROM rooms"));
    CHECK(rooms.at("rows").at(0).at(1).as_int64() == count(daemon, "SELECT max(max_participants) FROM rooms"));

    json::value typed = sqlJson(daemon, "SELECT 1 AS i, 2.5 AS r, 'x' AS t, x'00ff' AS b, NULL AS n");
    CHECK(typed.at("rows") == json::parse(R"([[1,2.5,"x","AP8=",null]])"));

    json::value params =
        sqlJson(daemon, R"({"sql":"SELECT id FROM rooms WHERE id = ?1 OR unique_name = ?2","params":["nope", null]})",
                {"Content-Type: application/json"});
    CHECK(params.at("rows").as_array().empty());
    std::string someRoom =
        std::string(sqlJson(daemon, "SELECT id FROM rooms ORDER BY id LIMIT 1").at("rows").at(0).at(0).as_string());
    json::value one = sqlJson(daemon, R"({"sql":"SELECT id FROM rooms WHERE id = ?","params":[")" + someRoom + R"("]})",
                              {"Content-Type: application/json; charset=utf-8"});
    // One row of one value, spelled as JSON: Clang 14 reads json::array{json::array{...}} as a copy, not a nesting.
    CHECK(one.at("rows") == json::parse(R"([[")" + someRoom + R"("]])"));

    for (const char* view : {"session_stats", "participant_stats", "room_daily_activity"}) {
        json::value v = sqlJson(daemon, std::string("SELECT count(*) FROM ") + view);
        CHECK(v.at("rows").at(0).at(0).as_int64() == count(daemon, std::string("SELECT count(*) FROM ") + view));
    }
    json::value stats = sqlJson(daemon, "SELECT sum(participant_count) FROM session_stats");
    CHECK(stats.at("rows").at(0).at(0).as_int64() ==
          count(daemon, "SELECT count(*) FROM room_participants p JOIN room_sessions s ON s.id = p.session_id"));
    CHECK_FALSE(daemon.post("/sql", "SELECT 1").header("roomsd-synced-at").empty());
}

TEST_CASE("POST /sql answers CSV when asked for text/csv") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    HttpResponse r = daemon.post("/sql", "SELECT id, unique_name, 'a,\"b\"' AS odd, NULL AS n FROM rooms ORDER BY id",
                                 {"Accept: text/csv"});
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "text/csv; charset=utf-8");
    std::vector<std::string> lines;
    for (std::size_t at = 0, end; (end = r.body.find("\r\n", at)) != std::string::npos; at = end + 2)
        lines.push_back(r.body.substr(at, end - at));
    REQUIRE(lines.size() == 1 + static_cast<std::size_t>(count(daemon, "SELECT count(*) FROM rooms")));
    CHECK(lines[0] == "id,unique_name,odd,n");
    SQLite::Database db(daemon.database().string(), SQLite::OPEN_READONLY);
    std::string first = db.execAndGet("SELECT id FROM rooms ORDER BY id LIMIT 1").getString();
    CHECK(lines[1].starts_with(first + ","));
    CHECK(lines[1].ends_with(",\"a,\"\"b\"\"\","));
}

TEST_CASE("POST /sql refuses with a status and code for each kind of refusal") {
    SimProcess sim;
    RoomsdDaemon daemon(sim, serverOptions({"  sql_max_rows: 5", "  sql_max_bytes: 2000", "  sql_timeout_ms: 300"}));
    struct Case {
        std::string body;
        long status;
        std::string code;
    };
    std::vector<Case> cases{
        {"SELEC 1", 400, "sql_invalid"},
        {"", 400, "sql_invalid"},
        {"SELECT 1; SELECT 2", 400, "sql_invalid"},
        {"SELECT * FROM no_such_table", 400, "sql_invalid"},
        {"DELETE FROM rooms", 403, "sql_forbidden"},
        {"INSERT INTO sync_state (stream) VALUES ('rooms')", 403, "sql_forbidden"},
        {"UPDATE rooms SET unique_name = 'x'", 403, "sql_forbidden"},
        {"DROP TABLE rooms", 403, "sql_forbidden"},
        {"CREATE TABLE t (x)", 403, "sql_forbidden"},
        {"ATTACH DATABASE '/tmp/x.db' AS x", 403, "sql_forbidden"},
        {"PRAGMA journal_mode = DELETE", 403, "sql_forbidden"},
        {"SELECT load_extension('/tmp/x.so')", 403, "sql_forbidden"},
        {"BEGIN IMMEDIATE", 403, "sql_forbidden"},
        {"VACUUM", 403, "sql_forbidden"},
        {"SELECT * FROM schema_migrations", 403, "sql_forbidden"},
        {"SELECT id FROM room_participants", 413, "sql_result_too_large"},
        {"SELECT printf('%.3000c', 'x')", 413, "sql_result_too_large"},
        {"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", 422, "sql_timeout"},
    };
    for (const Case& c : cases) {
        HttpResponse r = daemon.post("/sql", c.body);
        INFO(c.body << " -> " << r.status << " " << r.body);
        CHECK(r.status == c.status);
        json::value error = json::parse(r.body).at("errors").at(0);
        CHECK(error.at("code") == c.code.c_str());
        CHECK_FALSE(error.at("detail").as_string().empty());
    }
    HttpResponse badJson = daemon.post("/sql", "{\"sql\": ", {"Content-Type: application/json"});
    CHECK(badJson.status == 400);
    HttpResponse badParams =
        daemon.post("/sql", R"({"sql":"SELECT ?","params":[[1]]})", {"Content-Type: application/json"});
    CHECK(badParams.status == 400);
    HttpResponse wrongCount =
        daemon.post("/sql", R"({"sql":"SELECT ?1, ?2","params":[1]})", {"Content-Type: application/json"});
    CHECK(wrongCount.status == 400);
    CHECK(json::parse(wrongCount.body).at("errors").at(0).at("code") == "sql_invalid");
    // Nothing was written.
    CHECK(count(daemon, "SELECT count(*) FROM rooms") > 0);
    CHECK(count(daemon, "SELECT count(*) FROM sqlite_schema WHERE name = 't'") == 0);
}

TEST_CASE("GET /status shows what the mirror holds and how its passes went") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    json::value status = daemon.status();
    CHECK(status.at("version") == "0.1.0");
    CHECK(status.at("uptime_seconds").to_number<double>() >= 0);
    CHECK(status.at("database").at("path") == daemon.database().string().c_str());
    CHECK(status.at("database").at("size_bytes").to_number<std::int64_t>() > 0);
    CHECK(status.at("database").at("schema_version").to_number<std::int64_t>() >= 2);
    CHECK(status.at("sync").at("interval_secs").to_number<std::int64_t>() == 3600);
    CHECK_FALSE(status.at("sync").at("next_pass_at").is_null());
    for (const auto& [stream, table] : std::vector<std::pair<std::string, std::string>>{
             {"rooms", "rooms"}, {"sessions", "room_sessions"}, {"participants", "room_participants"}}) {
        INFO(stream);
        const json::value& s = status.at("sync").at("streams").at(stream);
        CHECK(s.at("live_records").to_number<std::int64_t>() ==
              count(daemon, "SELECT count(*) FROM " + table + " WHERE deleted_at IS NULL"));
        CHECK(s.at("live_records").to_number<std::int64_t>() > 0);
        CHECK(s.at("deleted_records").to_number<std::int64_t>() == 0);
        CHECK(s.at("last_run").at("outcome") == "ok");
        CHECK(s.at("last_run").at("mode") == "backfill");
        CHECK(s.at("lag_seconds").to_number<double>() >= 0);
        // The pass finished after roomsd started, so its lag cannot exceed the uptime.
        CHECK(s.at("lag_seconds").to_number<double>() <= status.at("uptime_seconds").to_number<double>() + 1);
        CHECK_FALSE(s.at("cursor").is_null());
    }
    CHECK(status.at("telnyx").at("base_url") == sim.baseUrl().c_str());
    CHECK(status.at("telnyx").at("requests").to_number<std::int64_t>() >= 3);
    // The API key appears nowhere.
    CHECK(daemon.get("/status").body.find(sim.apiKey()) == std::string::npos);
    CHECK(daemon.get("/metrics").body.find(sim.apiKey()) == std::string::npos);
}

TEST_CASE("GET /metrics counts passes, rows, requests and connections") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    daemon.get("/v2/rooms");
    daemon.get("/v2/rooms/no-such-room");
    daemon.get("/v2/rooms/another-unknown-room");
    daemon.get("/v2/rooms?page[size]=0");
    daemon.get("/no/such/route");
    HttpResponse r = daemon.get("/metrics");
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type").starts_with("text/plain; version=0.0.4"));
    const std::string& m = r.body;
    INFO(m);
    CHECK(sample(m, R"(roomsd_build_info{version="0.1.0"})") == 1);
    CHECK(sample(m, "roomsd_sync_running") == 0);
    CHECK(sample(m, R"(roomsd_sync_passes_total{stream="rooms",outcome="ok"})") == 1);
    CHECK(sample(m, R"(roomsd_sync_passes_total{stream="participants",outcome="ok"})") == 1);
    CHECK(sample(m, R"(roomsd_sync_rows_total{stream="participants",op="inserted"})") ==
          count(daemon, "SELECT count(*) FROM room_participants"));
    CHECK(sample(m, R"(roomsd_mirror_records{stream="sessions",state="live"})") ==
          count(daemon, "SELECT count(*) FROM room_sessions"));
    CHECK(sample(m, R"(roomsd_telnyx_requests_total{status="200"})") >= 3);
    CHECK(sample(m, R"(roomsd_sync_last_success_timestamp_seconds{stream="rooms"})") > 1.7e9);
    CHECK(sample(m, R"(roomsd_api_requests_total{route="/v2/rooms",status="200"})") == 1);
    CHECK(sample(m, R"(roomsd_api_requests_total{route="/v2/rooms/{id}",status="404"})") == 2);
    CHECK(sample(m, R"(roomsd_api_requests_total{route="/v2/rooms",status="422"})") == 1);
    CHECK(sample(m, R"(roomsd_api_requests_total{route="other",status="404"})") == 1);
    CHECK(sample(m, R"(roomsd_api_request_duration_seconds_count{route="/v2/rooms/{id}"})") == 2);
    CHECK(sample(m, "roomsd_api_connections_open") >= 1);
    CHECK(sample(m, "roomsd_database_size_bytes") > 0);
    CHECK(m.find("no/such/route") == std::string::npos); // raw paths never become labels
}

TEST_CASE("POST /sync starts a pass (202), and a second one while it runs is 409") {
    SimProcess sim({"--rooms", "20", "--seed", "7", "--latency-ms", "150"});
    RoomsdDaemon daemon(sim);
    std::string before = daemon.lastRoomsRun();
    HttpResponse started = daemon.post("/sync", "");
    CHECK(started.status == 202);
    CHECK(json::parse(started.body) == json::parse(R"({"status":"started"})"));
    HttpResponse again = daemon.post("/sync", "");
    CHECK(again.status == 409);
    CHECK(json::parse(again.body).at("errors").at(0).at("code") == "sync_running");
    // The API answers while the pass runs.
    CHECK(eventually([&] { return daemon.status().at("sync").at("running").as_bool(); }));
    CHECK(daemon.get("/v2/rooms").status == 200);
    daemon.waitForPassAfter(before);
    CHECK(daemon.post("/sync", "").status == 202);
    CHECK(daemon.get("/sync").status == 405);
}

TEST_CASE("every answer that read the mirror says when it was last synced") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    json::value streams = daemon.status().at("sync").at("streams");
    auto at = [&](const char* s) { return std::string(streams.at(s).at("last_success_at").as_string()); };
    std::string earliest = std::min({at("rooms"), at("sessions"), at("participants")});
    CHECK(daemon.get("/v2/rooms").header("roomsd-synced-at") == at("rooms"));
    CHECK(daemon.get("/v2/rooms?include_sessions=true").header("roomsd-synced-at") ==
          std::min(at("rooms"), at("sessions")));
    CHECK(daemon.get("/v2/room_sessions").header("roomsd-synced-at") == at("sessions"));
    CHECK(daemon.get("/v2/room_participants").header("roomsd-synced-at") == at("participants"));
    CHECK(daemon.post("/sql", "SELECT 1").header("roomsd-synced-at") == earliest);
    CHECK(daemon.get("/status").header("roomsd-synced-at") == earliest);
    // A later pass moves it forward.
    std::string before = daemon.lastRoomsRun();
    REQUIRE(daemon.post("/sync", "").status == 202);
    daemon.waitForPassAfter(before);
    CHECK(daemon.get("/v2/rooms").header("roomsd-synced-at") > at("rooms"));
}

TEST_CASE("a mirror that never completed a pass says never, and still answers") {
    SimProcess sim;
    DaemonOptions options;
    options.apiKey = "not-the-simulators-key";
    options.waitUntil = DaemonReady::Serving;
    RoomsdDaemon daemon(sim, options);
    REQUIRE(eventually([&] { return !daemon.status().at("sync").at("streams").at("rooms").at("last_run").is_null(); },
                       std::chrono::seconds(20)));
    json::value rooms = daemon.status().at("sync").at("streams").at("rooms");
    CHECK(rooms.at("last_run").at("outcome") == "failed");
    CHECK(rooms.at("last_success_at").is_null());
    HttpResponse list = daemon.get("/v2/rooms");
    CHECK(list.status == 200);
    CHECK(list.header("roomsd-synced-at") == "never");
    CHECK(json::parse(list.body).at("meta").at("total_pages") == 0);
}
