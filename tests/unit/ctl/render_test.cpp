// How records, status and SQL answers look in table and CSV output.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <sstream>

#include "ctl/render.hpp"
#include "ctl/text.hpp"
#include "support/spec.hpp"
#include "support/text.hpp"

using namespace roomsd;
using namespace roomsd::ctl;
using roomsd::test::linesOf;
using roomsd::test::words;
namespace json = boost::json;

namespace {

json::object participant(std::string id, std::string context) {
    return json::object{{"id", id},
                        {"session_id", "s1"},
                        {"context", context},
                        {"joined_at", "2026-05-01T10:00:00.000000Z"},
                        {"updated_at", "2026-05-01T11:00:00.000000Z"},
                        {"left_at", nullptr},
                        {"record_type", "room_participant"}};
}

json::object sampleStatus() {
    return json::parse(R"({
      "version": "0.1.0", "started_at": "2026-06-01T10:00:00Z", "uptime_seconds": 7500,
      "database": {"path": "/var/lib/roomsd/roomsd.db", "size_bytes": 13002342, "wal_bytes": 1153433, "schema_version": 1},
      "sync": {"running": false, "running_since": null, "next_pass_at": "2026-06-01T12:10:00Z", "interval_secs": 300,
        "streams": {
          "participants": {"cursor": "2026-05-31", "last_full_at": null, "last_success_at": null, "lag_seconds": null,
                           "live_records": 0, "deleted_records": 0,
                           "last_run": {"mode": "full", "filter_date": null, "started_at": "2026-06-01T12:04:00Z",
                                        "finished_at": "2026-06-01T12:04:01Z", "outcome": "failed",
                                        "message": "HTTP 500\nfrom upstream", "requests": 6, "retries": 5, "pages": 0,
                                        "walks": 1, "records_seen": 0, "inserted": 0, "updated": 0, "unchanged": 0,
                                        "deleted": 0, "errors": 1}},
          "rooms": {"cursor": "2026-05-31", "last_full_at": "2026-06-01T10:00:05Z",
                    "last_success_at": "2026-06-01T12:05:00Z", "lag_seconds": 42, "live_records": 55,
                    "deleted_records": 2,
                    "last_run": {"mode": "incremental", "filter_date": "2026-05-30", "started_at": "2026-06-01T12:04:58Z",
                                 "finished_at": "2026-06-01T12:05:00Z", "outcome": "ok", "message": null,
                                 "requests": 1, "retries": 0, "pages": 1, "walks": 1, "records_seen": 4,
                                 "inserted": 1, "updated": 2, "unchanged": 1, "deleted": 0, "errors": 0}},
          "sessions": {"cursor": null, "last_full_at": null, "last_success_at": null, "lag_seconds": null,
                       "live_records": null, "deleted_records": null, "last_run": null}}},
      "telnyx": {"base_url": "https://api.telnyx.com/v2", "requests": 1234, "retries": 3, "rate_limit_remaining": 98}
    })")
        .as_object();
}

} // namespace

TEST_CASE("record tables show the schema's default fields, --wide every field and --columns the chosen ones") {
    for (const model::RecordSchema* schema : model::allSchemas()) {
        INFO(schema->name);
        std::vector<std::string> defaults;
        std::vector<std::string> all;
        for (const auto& f : schema->fields) {
            all.emplace_back(f.name);
            if (f.inDefaultTable) defaults.emplace_back(f.name);
        }
        CHECK(defaults.size() >= 3);
        std::string out = recordsTable(*schema, json::array{}, false);
        CHECK(words(linesOf(out)[0]) == defaults);
        CHECK(linesOf(out).size() == 2); // header and rule: no rows
        TableOptions wide;
        wide.wide = true;
        CHECK(words(linesOf(recordsTable(*schema, json::array{}, false, wide))[0]) == all);
        TableOptions chosen;
        chosen.columns = {"record_type", "id"};
        CHECK(words(linesOf(recordsTable(*schema, json::array{}, false, chosen))[0]) == chosen.columns);
        CHECK(checkColumns(*schema, chosen.columns));
        auto unknown = checkColumns(*schema, {"id", "nope"});
        REQUIRE_FALSE(unknown);
        CHECK(unknown.error().message.find("no column 'nope'; the columns are id, ") != std::string::npos);
    }
}

TEST_CASE("the spec's example room with its sessions listed under it, indented") {
    json::value room = test::specExample("Room");
    REQUIRE(room.is_object());
    room.as_object()["sessions"] = json::array{test::specExample("RoomSession"), test::specExample("RoomSession")};
    TableOptions wide;
    wide.wide = true;
    std::string out = recordsTable(model::roomsSchema(), json::array{room}, true, wide);
    auto lines = linesOf(out);
    REQUIRE(lines.size() == 7); // header, rule, the room, "2 sessions:", their header, two sessions
    CHECK(words(lines[0]).back() == "record_type");
    CHECK(lines[3] == "    2 sessions:");
    CHECK(words(lines[4]) == std::vector<std::string>{"id", "active", "created_at"});
    CHECK(lines[5].starts_with("    "));
    CHECK(lines[5].find(std::string(room.at("sessions").at(0).at("id").as_string())) != std::string::npos);
    for (const auto& field : model::roomsSchema().fields) {
        const json::value& v = room.as_object().at(field.name);
        if (!v.is_null()) CHECK(lines[2].find(cellText(v)) != std::string::npos);
    }
}

TEST_CASE("without the include flag there are no children though the daemon sends an empty array") {
    json::object room{{"id", "r1"}, {"sessions", json::array{}}};
    CHECK(linesOf(recordsTable(model::roomsSchema(), json::array{room}, false)).size() == 3);
    CHECK(linesOf(recordsCsv(model::roomsSchema(), json::array{room}, false), "\r\n")[0].ends_with(",record_type"));
    std::string detail = recordDetail(model::roomsSchema(), room, false);
    CHECK(detail.find("sessions") == std::string::npos);
    // Asked for, an empty array is a real zero.
    CHECK(words(linesOf(recordDetail(model::roomsSchema(), room, true)).back()) ==
          std::vector<std::string>{"sessions", "0"});
}

TEST_CASE("integer columns are right-aligned, null shows as NULL and an empty string as nothing") {
    json::array rooms{
        json::object{{"id", "r1"}, {"unique_name", ""}, {"max_participants", 5}, {"created_at", nullptr}},
        json::object{{"id", "r2"}, {"unique_name", "b"}, {"max_participants", 250}, {"created_at", nullptr}},
    };
    auto lines = linesOf(recordsTable(model::roomsSchema(), rooms, false));
    REQUIRE(lines.size() == 4);
    std::size_t headerEnd = lines[0].find("max_participants") + std::string("max_participants").size();
    CHECK(lines[2].substr(0, headerEnd).ends_with(" 5"));
    CHECK(lines[3].substr(0, headerEnd).ends_with("250"));
    CHECK(words(lines[2]) == std::vector<std::string>{"r1", "5", "NULL"});
    CHECK(words(lines[3]) == std::vector<std::string>{"r2", "b", "250", "NULL"});
    TableOptions marked;
    marked.nullText = "-";
    marked.dimNull = true;
    auto dimmed = linesOf(recordsTable(model::roomsSchema(), rooms, false, marked));
    CHECK(dimmed[2].ends_with("\x1b[2m-\x1b[0m"));
    // The marker is the only escape sequence, and the widths stay those of the text.
    std::string expected = lines[2];
    expected.replace(expected.find("NULL"), 4, "\x1b[2m-\x1b[0m");
    CHECK(dimmed[2] == expected);
}

TEST_CASE("a participant's hostile context stays inside its cell in a table and intact in CSV") {
    std::string hostile = "Mallory\n\x1b]0;owned\x07\x1b[2J, \"quoted\"";
    json::array records{participant("p1", hostile), participant("p2", "\xE7\x94\xB0\xE4\xB8\xAD")};
    std::string table = recordsTable(model::participantsSchema(), records, false);
    CHECK(table.find('\x1b') == std::string::npos);
    CHECK(table.find('\x07') == std::string::npos);
    auto lines = linesOf(table);
    REQUIRE(lines.size() == 4);
    CHECK(lines[2].find(escapeForTerminal(hostile)) != std::string::npos);
    CHECK(displayWidth(lines[2].substr(0, lines[2].find("2026"))) ==
          displayWidth(lines[3].substr(0, lines[3].find("2026"))));

    std::string csv = recordsCsv(model::participantsSchema(), records, false);
    CHECK(csv == "id,session_id,context,joined_at,updated_at,left_at,record_type\r\n"
                 "p1,s1,\"" +
                     std::string("Mallory\n\x1b]0;owned\x07\x1b[2J, \"\"quoted\"\"") +
                     "\",2026-05-01T10:00:00.000000Z,2026-05-01T11:00:00.000000Z,,room_participant\r\n"
                     "p2,s1,\xE7\x94\xB0\xE4\xB8\xAD,2026-05-01T10:00:00.000000Z,2026-05-01T11:00:00.000000Z,,"
                     "room_participant\r\n");
}

TEST_CASE("CSV of sessions: booleans and nulls as plain fields and children as a count") {
    json::array sessions{json::object{{"id", "s1"},
                                      {"room_id", "r1"},
                                      {"active", false},
                                      {"created_at", "2026-05-01T10:00:00Z"},
                                      {"updated_at", "2026-05-01T11:00:00Z"},
                                      {"ended_at", nullptr},
                                      {"record_type", "room_session"},
                                      {"participants", json::array{participant("p1", "a"), participant("p2", "b")}}}};
    CHECK(recordsCsv(model::sessionsSchema(), sessions, true) ==
          "id,room_id,active,created_at,updated_at,ended_at,record_type,participants\r\n"
          "s1,r1,false,2026-05-01T10:00:00Z,2026-05-01T11:00:00Z,,room_session,2\r\n");
}

TEST_CASE("one record shows as field and value and then its children as a table") {
    json::object session{{"id", "s1"},
                         {"room_id", "r1"},
                         {"active", true},
                         {"record_type", "room_session"},
                         {"participants", json::array{participant("p1", "Alice")}}};
    std::string out = recordDetail(model::sessionsSchema(), session, true);
    auto lines = linesOf(out);
    CHECK(words(lines[0]) == std::vector<std::string>{"field", "value"});
    CHECK(words(lines[2]) == std::vector<std::string>{"id", "s1"});
    CHECK(words(lines[4]) == std::vector<std::string>{"active", "true"});
    CHECK(words(lines[7]) == std::vector<std::string>{"ended_at", "NULL"}); // absent: null
    CHECK(out.find("participants  1\n") != std::string::npos);
    CHECK(out.find("\nparticipants:\nid  context") != std::string::npos);
    CHECK(out.find("p1  Alice") != std::string::npos);
}

TEST_CASE("list footers give the page and the total and the sync time") {
    PageMeta meta{1, 20, 3, 55};
    CHECK(listFooter(meta, false, 20, std::string("2026-06-01T12:00:00Z")) ==
          "page 1 of 3, 55 results\nmirror synced at 2026-06-01T12:00:00Z\n");
    CHECK(listFooter(PageMeta{1, 20, 1, 1}, false, 1, std::nullopt) == "page 1 of 1, 1 result\n");
    CHECK(listFooter(PageMeta{1, 20, 0, 0}, false, 0, std::nullopt) == "no results\n");
    CHECK(listFooter(PageMeta{9, 20, 3, 55}, false, 0, std::nullopt) ==
          "page 9 of 3, 55 results (past the last page)\n");
    CHECK(listFooter(PageMeta{std::nullopt, std::nullopt, 3, std::nullopt}, true, 55, std::nullopt) ==
          "55 results, all 3 pages\n");
    CHECK(listFooter(PageMeta{}, false, 2, std::string("x\x1b[2J")) == "2 results\nmirror synced at x\\x1B[2J\n");
}

TEST_CASE("status as text: summary lines and stream state and last runs") {
    std::string out = statusText(sampleStatus());
    INFO(out);
    auto lines = linesOf(out);
    CHECK(lines[0] == "version   0.1.0");
    CHECK(lines[1] == "uptime    2h 5m (started 2026-06-01T10:00:00Z)");
    CHECK(lines[2] == "database  /var/lib/roomsd/roomsd.db, 12.4 MiB + 1.1 MiB WAL, schema version 1");
    CHECK(lines[3] == "sync      idle, next pass at 2026-06-01T12:10:00Z, every 5m");
    CHECK(lines[4] == "telnyx    https://api.telnyx.com/v2, 1234 requests, 3 retries, rate limit remaining 98");
    // Streams in sync order whatever the JSON order; nothing known shows as "-" or "never".
    CHECK(words(lines[8]) == std::vector<std::string>{"rooms", "2026-05-31", "2026-06-01T12:05:00Z", "42s", "55", "2"});
    CHECK(words(lines[9]) == std::vector<std::string>{"sessions", "-", "never", "-", "-", "-"});
    CHECK(words(lines[10]) == std::vector<std::string>{"participants", "2026-05-31", "never", "-", "0", "0"});
    CHECK(words(lines[14]) == std::vector<std::string>{"rooms", "incremental", "2026-06-01T12:05:00Z", "ok", "1", "2",
                                                       "1", "0", "0", "0", "1"});
    CHECK(words(lines[15]) == std::vector<std::string>{"sessions", "none", "yet"});
    CHECK(out.find("participants: HTTP 500\\nfrom upstream\n") != std::string::npos);
}

TEST_CASE("status as text fits 120 columns with the values of a large account") {
    json::object status = sampleStatus();
    for (auto& [name, stream] : status["sync"].as_object()["streams"].as_object()) {
        json::object& s = stream.as_object();
        s["cursor"] = "2026-05-31T23:59:59.999999Z";
        s["last_success_at"] = "2026-06-01T12:05:00.123456Z";
        s["lag_seconds"] = 86399;
        s["live_records"] = 12345678; // 12 million participants
        s["deleted_records"] = 1234567;
        json::object run{{"mode", "incremental"},  {"finished_at", "2026-06-01T12:05:00.123456Z"},
                         {"outcome", "cancelled"}, {"inserted", 123456},
                         {"updated", 123456},      {"unchanged", 1234567},
                         {"deleted", 12345},       {"errors", 1234},
                         {"retries", 12345},       {"requests", 123456}};
        s["last_run"] = run;
    }
    std::string out = statusText(status);
    INFO(out);
    for (const auto& line : linesOf(out)) CHECK(line.size() <= 120);
    CHECK(out.find("2026-06-01T12:05:00Z") != std::string::npos); // the finish time, to the second
}

TEST_CASE("status while a pass runs and with every value null") {
    json::object status = sampleStatus();
    status["sync"].as_object()["running"] = true;
    status["sync"].as_object()["running_since"] = "2026-06-01T12:09:00Z";
    CHECK(statusText(status).find("sync      running since 2026-06-01T12:09:00Z,") != std::string::npos);
    json::object empty{{"version", nullptr}, {"database", nullptr}, {"sync", nullptr}, {"telnyx", nullptr}};
    CHECK(statusText(empty) == "version  -\nuptime   -\n");
}

TEST_CASE("status as CSV: one row per stream with the last run flattened") {
    auto lines = linesOf(statusCsv(sampleStatus()), "\r\n");
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "stream,cursor,last_full_at,last_success_at,lag_seconds,live_records,deleted_records,"
                      "last_run_mode,last_run_filter_date,last_run_started_at,last_run_finished_at,last_run_outcome,"
                      "last_run_message,last_run_requests,last_run_retries,last_run_pages,last_run_walks,"
                      "last_run_records_seen,last_run_inserted,last_run_updated,last_run_unchanged,last_run_deleted,"
                      "last_run_errors");
    CHECK(lines[1] == "rooms,2026-05-31,2026-06-01T10:00:05Z,2026-06-01T12:05:00Z,42,55,2,incremental,2026-05-30,"
                      "2026-06-01T12:04:58Z,2026-06-01T12:05:00Z,ok,,1,0,1,1,4,1,2,1,0,0");
    CHECK(lines[2] == "sessions,,,,,,,,,,,,,,,,,,,,,,");
    CHECK(lines[3].starts_with("participants,2026-05-31,,,,0,0,full,,"));
    CHECK(lines[3].find(",failed,\"HTTP 500\nfrom upstream\",6,5,") != std::string::npos);
}

TEST_CASE("an SQL answer as a table: numbers right-aligned and a row count under it") {
    json::object answer = json::parse(R"({"columns":["unique_name","n","share","note"],
        "rows":[["orchid",3,0.25,null],["\u7530\u4e2d",12,1.5,"x\ny"]]})")
                              .as_object();
    CHECK(sqlTable(answer) == "unique_name   n  share  note\n"
                              "-----------  --  -----  ----\n"
                              "orchid        3   0.25  NULL\n"
                              "\xE7\x94\xB0\xE4\xB8\xAD         12    1.5  x\\ny\n"
                              "(2 rows)\n");
    CHECK(sqlTable(json::parse(R"({"columns":["n"],"rows":[]})").as_object()) == "n\n-\n(0 rows)\n");
}

TEST_CASE("durations and sizes and cells read naturally") {
    CHECK(formatDuration(0) == "0s");
    CHECK(formatDuration(59) == "59s");
    CHECK(formatDuration(192) == "3m 12s");
    CHECK(formatDuration(7500) == "2h 5m");
    CHECK(formatDuration(300) == "5m");
    CHECK(formatDuration(-5) == "-5s");
    CHECK(formatDuration(356400) == "4d 3h");
    CHECK(formatBytes(812) == "812 B");
    CHECK(formatBytes(12698) == "12.4 KiB");
    CHECK(formatBytes(3 << 20) == "3.0 MiB");
    CHECK(cellText(json::value(nullptr)) == "");
    CHECK(cellText(json::value(true)) == "true");
    CHECK(cellText(json::value(-3)) == "-3");
    CHECK(cellText(json::value(0.1)) == "0.1");
    CHECK(cellText(json::value("text")) == "text");
    CHECK(cellText(json::parse(R"({"a":[1]})")) == R"({"a":[1]})");
    CHECK(parseFormat("csv").ok());
    CHECK_FALSE(parseFormat("yaml").ok());
}
