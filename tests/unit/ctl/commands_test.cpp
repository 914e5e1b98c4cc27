// CommandRunner against a scripted transport: what reaches stdout and stderr, and the exit status.
#include <catch2/catch.hpp>

#include <boost/json.hpp>
#include <deque>
#include <sstream>

#include "ctl/commands.hpp"

using namespace roomsd;
using namespace roomsd::ctl;
namespace json = boost::json;

namespace {

// Answers requests from a script, in order, and records what was asked.
class ScriptedTransport : public Transport {
public:
    std::deque<Result<HttpReply>> answers;
    std::vector<HttpRequest> requests;

    Result<HttpReply> send(const HttpRequest& request) override {
        requests.push_back(request);
        REQUIRE_FALSE(answers.empty());
        auto answer = std::move(answers.front());
        answers.pop_front();
        return answer;
    }
    std::string endpoint() const override { return "/run/roomsd/roomsd.sock"; }

    void reply(int status, std::string body, std::optional<std::string> syncedAt = std::nullopt,
               std::string contentType = "application/json") {
        HttpReply answer;
        answer.status = status;
        answer.contentType = std::move(contentType);
        answer.syncedAt = std::move(syncedAt);
        answer.body = std::move(body);
        answers.emplace_back(std::move(answer));
    }
};

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

template <class Command>
Run run(ScriptedTransport& transport, Format format, Command command) {
    std::ostringstream out;
    std::ostringstream err;
    CommandRunner runner(transport, format, out, err);
    Run result;
    result.exitCode = command(runner);
    result.out = out.str();
    result.err = err.str();
    return result;
}

std::string roomsPage(int page, int totalPages, std::vector<std::string> ids, int totalResults) {
    json::array data;
    for (const auto& id : ids) data.push_back(json::object{{"id", id}, {"unique_name", "room-" + id}});
    return json::serialize(json::object{
        {"data", data},
        {"meta",
         {{"page_number", page}, {"page_size", 2}, {"total_pages", totalPages}, {"total_results", totalResults}}}});
}

ListQuery allPages(std::int64_t pageSize) {
    ListQuery query;
    query.all = true;
    query.pageSize = pageSize;
    return query;
}

} // namespace

TEST_CASE("json output is the daemon's body byte for byte") {
    std::string body =
        R"({"data":[{"id":"r1","unique_name":"Zo\u00eb","extra":{"b":1,"a":2}}],"meta":{"page_number":1,"page_size":20,"total_pages":1,"total_results":1}})";
    ScriptedTransport transport;
    transport.reply(200, body, "2026-06-01T12:00:00Z");
    auto result = run(transport, Format::Json, [](auto& r) { return r.list(model::roomsSchema(), ListQuery{}); });
    CHECK(result.exitCode == kExitOk);
    CHECK(result.out == body + "\n");
    CHECK(result.err.empty());

    transport.reply(200, "{\"data\":{\"id\":\"r1\"}}\n");
    result = run(transport, Format::Json, [](auto& r) { return r.get(model::roomsSchema(), "r1", false); });
    CHECK(result.out == "{\"data\":{\"id\":\"r1\"}}\n");

    std::string status = R"({"version":"0.1.0","uptime_seconds":1.5})";
    transport.reply(200, status);
    result = run(transport, Format::Json, [](auto& r) { return r.status(); });
    CHECK(result.out == status + "\n");
}

TEST_CASE("a table listing ends with the page and the mirror's sync time") {
    ScriptedTransport transport;
    transport.reply(200, roomsPage(1, 3, {"r1", "r2"}, 5), "2026-06-01T12:00:00Z");
    auto result = run(transport, Format::Table, [](auto& r) { return r.list(model::roomsSchema(), ListQuery{}); });
    CHECK(result.exitCode == kExitOk);
    CHECK(result.out.starts_with("id  unique_name  max_participants"));
    CHECK(result.out.ends_with("page 1 of 3, 5 results\nmirror synced at 2026-06-01T12:00:00Z\n"));

    transport.reply(200, roomsPage(1, 0, {}, 0), "never");
    result = run(transport, Format::Table, [](auto& r) { return r.list(model::roomsSchema(), ListQuery{}); });
    CHECK(result.out.ends_with("no results\nmirror not synced yet\n"));
}

TEST_CASE("listing with all pages follows every page and prints each record once") {
    ScriptedTransport transport;
    transport.reply(200, roomsPage(1, 3, {"r1", "r2"}, 5), "t1");
    transport.reply(200, roomsPage(2, 3, {"r2", "r3"}, 5), "t1"); // r2 slid onto page 2 meanwhile
    transport.reply(200, roomsPage(3, 3, {"r4", "r5"}, 5), "t1");
    auto result = run(transport, Format::Json, [](auto& r) { return r.list(model::roomsSchema(), allPages(2)); });
    CHECK(result.exitCode == kExitOk);
    REQUIRE(transport.requests.size() == 3);
    CHECK(transport.requests[0].target == "/v2/rooms?page%5Bnumber%5D=1&page%5Bsize%5D=2");
    CHECK(transport.requests[2].target == "/v2/rooms?page%5Bnumber%5D=3&page%5Bsize%5D=2");
    json::value doc = json::parse(result.out);
    std::vector<std::string> ids;
    for (const auto& r : doc.at("data").as_array()) ids.emplace_back(r.at("id").as_string());
    CHECK(ids == std::vector<std::string>{"r1", "r2", "r3", "r4", "r5"});
    CHECK(doc.at("meta").at("total_results") == 5);
    CHECK(doc.at("meta").at("total_pages") == 3);
    CHECK(result.err.empty());
}

TEST_CASE("all pages in a table and in CSV: one header and every row and a total") {
    ScriptedTransport transport;
    transport.reply(200, roomsPage(1, 2, {"r1", "r2"}, 3), "t1");
    transport.reply(200, roomsPage(2, 2, {"r3"}, 3), "t1");
    auto table = run(transport, Format::Table, [](auto& r) { return r.list(model::roomsSchema(), allPages(2)); });
    CHECK(table.out.find("\nr3  room-r3  ") != std::string::npos);
    CHECK(table.out.ends_with("  NULL\n3 results, all 2 pages\nmirror synced at t1\n"));

    transport.reply(200, roomsPage(1, 2, {"r1", "r2"}, 3), "t1");
    transport.reply(200, roomsPage(2, 2, {"r3"}, 3), "t2");
    auto csv = run(transport, Format::Csv, [](auto& r) { return r.list(model::roomsSchema(), allPages(2)); });
    CHECK(csv.out.starts_with("id,unique_name,max_participants,"));
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 4);
    CHECK(csv.err.find("synced while its pages were read") != std::string::npos);
}

TEST_CASE("all pages without a page size asks for the largest pages") {
    ScriptedTransport transport;
    transport.reply(200, roomsPage(1, 1, {"r1"}, 1));
    ListQuery query;
    query.all = true;
    run(transport, Format::Json, [&](auto& r) { return r.list(model::sessionsSchema(), query); });
    CHECK(transport.requests.at(0).target == "/v2/room_sessions?page%5Bnumber%5D=1&page%5Bsize%5D=250");
}

TEST_CASE("a daemon error prints each detail and exits 1") {
    ScriptedTransport transport;
    transport.reply(
        422,
        R"({"errors":[{"code":"10015","title":"Invalid parameter","detail":"page[size] must be at most 250"},
                                  {"code":"10016","title":"Bad filter"}]})");
    auto result = run(transport, Format::Table, [](auto& r) { return r.list(model::roomsSchema(), ListQuery{}); });
    CHECK(result.exitCode == kExitDaemonError);
    CHECK(result.out.empty());
    CHECK(result.err == "roomsctl: page[size] must be at most 250\nroomsctl: Bad filter\n");
}

TEST_CASE("an unknown id: the bare not-found body of the /v2 routes") {
    ScriptedTransport transport;
    transport.reply(404, R"({"code":"10005","title":"Resource not found","detail":"Room not found: r9"})");
    auto result = run(transport, Format::Json, [](auto& r) { return r.get(model::roomsSchema(), "r9", false); });
    CHECK(result.exitCode == kExitDaemonError);
    CHECK(result.out.empty());
    CHECK(result.err == "roomsctl: Room not found: r9\n");
}

TEST_CASE("an error body that says nothing still reports the status escaped") {
    ScriptedTransport transport;
    transport.reply(500, "<html>oops</html>", std::nullopt, "text/html");
    auto result = run(transport, Format::Json, [](auto& r) { return r.status(); });
    CHECK(result.exitCode == kExitDaemonError);
    CHECK(result.err == "roomsctl: roomsd answered HTTP 500\n");
    transport.reply(403, R"({"errors":[{"detail":"only SELECT\u001b[2J is allowed"}]})");
    result = run(transport, Format::Table, [](auto& r) { return r.sql("DELETE FROM rooms", {}); });
    CHECK(result.exitCode == kExitDaemonError);
    CHECK(result.err == "roomsctl: only SELECT\\x1B[2J is allowed\n");
}

TEST_CASE("no daemon: exit 3 with how to start it") {
    ScriptedTransport transport;
    transport.answers.emplace_back(fail(ErrorKind::Transient, "No such file or directory"));
    auto result = run(transport, Format::Json, [](auto& r) { return r.status(); });
    CHECK(result.exitCode == kExitUnreachable);
    CHECK(result.out.empty());
    CHECK(result.err == "roomsctl: cannot reach roomsd at /run/roomsd/roomsd.sock: No such file or directory. Is it "
                        "running? Start it with `systemctl start roomsd`, or `roomsd --config FILE`; use --socket if "
                        "it listens elsewhere.\n");
    transport.answers.emplace_back(fail(ErrorKind::Auth, "Permission denied"));
    result = run(transport, Format::Json, [](auto& r) { return r.sync(); });
    CHECK(result.exitCode == kExitUnreachable);
    CHECK(result.err.find("Permission denied") != std::string::npos);
    CHECK(result.err.find("group") != std::string::npos);
}

TEST_CASE("an answer that is not HTTP or not JSON where JSON is needed exits 1") {
    ScriptedTransport transport;
    transport.answers.emplace_back(fail(ErrorKind::Protocol, "the answer is not HTTP (bad version)"));
    auto result = run(transport, Format::Json, [](auto& r) { return r.status(); });
    CHECK(result.exitCode == kExitDaemonError);
    CHECK(result.err.find("answered something roomsctl cannot read") != std::string::npos);
    transport.reply(200, "not json");
    result = run(transport, Format::Table, [](auto& r) { return r.status(); });
    CHECK(result.exitCode == kExitDaemonError);
    CHECK(result.err.find("not a JSON object") != std::string::npos);
}

TEST_CASE("sync: started or already running") {
    ScriptedTransport transport;
    transport.reply(202, R"({"status":"started"})");
    auto result = run(transport, Format::Table, [](auto& r) { return r.sync(); });
    CHECK(result.exitCode == kExitOk);
    CHECK(result.out == "sync started\n");
    CHECK(transport.requests.back().method == "POST");
    CHECK(transport.requests.back().target == "/sync");

    transport.reply(202, R"({"status":"started"})");
    result = run(transport, Format::Json, [](auto& r) { return r.sync(); });
    CHECK(result.out == "{\"status\":\"started\"}\n");

    transport.reply(409, R"({"errors":[{"code":"sync_running","title":"Conflict","detail":"a pass is running"}]})");
    result = run(transport, Format::Table, [](auto& r) { return r.sync(); });
    CHECK(result.exitCode == kExitDaemonError);
    CHECK(result.out.empty());
    CHECK(result.err.find("already running") != std::string::npos);
    CHECK(transport.requests.size() == 3); // a refused sync is not retried
}

TEST_CASE("sql: CSV as the daemon wrote it and JSON unchanged and a table otherwise") {
    ScriptedTransport transport;
    transport.reply(200, "n,name\r\n1,\"a,b\"\r\n", std::nullopt, "text/csv; charset=utf-8");
    auto csv = run(transport, Format::Csv, [](auto& r) { return r.sql("SELECT 1 AS n, 'a,b' AS name", {}); });
    CHECK(csv.exitCode == kExitOk);
    CHECK(csv.out == "n,name\r\n1,\"a,b\"\r\n");
    CHECK(transport.requests.back().accept == "text/csv");

    std::string answer = R"({"columns":["n"],"rows":[[1],[2]]})";
    transport.reply(200, answer);
    auto json = run(transport, Format::Json, [](auto& r) { return r.sql("SELECT ?", {"1"}); });
    CHECK(json.out == answer + "\n");
    CHECK(transport.requests.back().contentType == "application/json");

    transport.reply(200, answer);
    auto table = run(transport, Format::Table, [](auto& r) { return r.sql("SELECT n", {}); });
    CHECK(table.out == "n\n-\n1\n2\n(2 rows)\n");

    // A daemon that ignores Accept: text/csv still gives CSV.
    transport.reply(200, R"({"columns":["a","b"],"rows":[["x,y",null]]})");
    auto converted = run(transport, Format::Csv, [](auto& r) { return r.sql("SELECT a, b", {}); });
    CHECK(converted.out == "a,b\r\n\"x,y\",\r\n");
}

TEST_CASE("sql exports: rows written as they come, and one cut short reported with its reason and exit 1") {
    ScriptedTransport transport;
    // An answer whose connection ended before its last chunk.
    auto cutShort = [](std::string contentType, std::string body) {
        HttpReply reply;
        reply.status = 200;
        reply.contentType = std::move(contentType);
        reply.body = std::move(body);
        reply.complete = false;
        return reply;
    };
    HttpReply cut = cutShort("text/csv; charset=utf-8", "n\r\n1\r\nroomsd error: the answer is larger than 4096 "
                                                        "bytes (server.sql_max_export_bytes)\r\n");
    transport.answers.emplace_back(cut);
    auto csv = run(transport, Format::Csv, [](auto& r) { return r.sql("SELECT n", {}); });
    CHECK(csv.exitCode == kExitDaemonError);
    CHECK(csv.out == cut.body); // the file ends with the reason: it cannot pass for a whole export
    CHECK(csv.err == "roomsctl: the answer was cut short, the output is incomplete: the answer is larger than 4096 "
                     "bytes (server.sql_max_export_bytes)\n");

    HttpReply lines =
        cutShort("application/x-ndjson",
                 "{\"n\":1}\n{\"errors\":[{\"code\":\"sql_timeout\",\"detail\":\"the query ran longer\"}]}\n");
    transport.answers.emplace_back(lines);
    auto jsonl = run(transport, Format::JsonLines, [](auto& r) { return r.sql("SELECT n", {}); });
    CHECK(jsonl.exitCode == kExitDaemonError);
    CHECK(jsonl.err.ends_with("incomplete: the query ran longer\n"));
    CHECK(transport.requests.back().accept == "application/x-ndjson");

    HttpReply dropped = cutShort("text/csv", "n\r\n1\r\n");
    dropped.incompleteReason = "the connection was closed in the middle of the answer";
    transport.answers.emplace_back(dropped);
    auto closed = run(transport, Format::Csv, [](auto& r) { return r.sql("SELECT n", {}); });
    CHECK(closed.exitCode == kExitDaemonError);
    CHECK(closed.err.ends_with("incomplete: the connection was closed in the middle of the answer\n"));
}

TEST_CASE("status exits 4 when the daemon answers but a stream's last pass failed") {
    ScriptedTransport transport;
    std::string failed = R"({"sync":{"streams":{"rooms":{"last_run":{"outcome":"ok"}},)"
                         R"("sessions":{"last_run":{"outcome":"failed","message":"HTTP 500"}}}}})";
    for (Format format : {Format::Json, Format::Table, Format::Csv}) {
        transport.reply(200, failed);
        CHECK(run(transport, format, [](auto& r) { return r.status(); }).exitCode == kExitStreamFailed);
    }
    transport.reply(200, R"({"sync":{"streams":{"rooms":{"last_run":{"outcome":"held"}},"sessions":{}}}})");
    CHECK(run(transport, Format::Json, [](auto& r) { return r.status(); }).exitCode == kExitOk);
}

TEST_CASE("usage errors of get and sql are refused before any request") {
    ScriptedTransport transport;
    auto result = run(transport, Format::Json, [](auto& r) { return r.get(model::participantsSchema(), "", false); });
    CHECK(result.exitCode == kExitUsage);
    result = run(transport, Format::Json, [](auto& r) { return r.sql("   ", {}); });
    CHECK(result.exitCode == kExitUsage);
    CHECK(result.err.starts_with("roomsctl: the SQL statement is empty"));
    CHECK(transport.requests.empty());
}

TEST_CASE("get in a table and in CSV") {
    ScriptedTransport transport;
    transport.reply(200, R"({"data":{"id":"p1","session_id":"s1","context":"Alice","record_type":"room_participant"}})",
                    "2026-06-01T12:00:00Z");
    auto table = run(transport, Format::Table, [](auto& r) { return r.get(model::participantsSchema(), "p1", false); });
    CHECK(table.out.starts_with("field        value\n"));
    CHECK(table.out.find("context      Alice\n") != std::string::npos);
    CHECK(table.out.ends_with("mirror synced at 2026-06-01T12:00:00Z\n"));
    transport.reply(200,
                    R"({"data":{"id":"p1","session_id":"s1","context":"Alice","record_type":"room_participant"}})");
    auto csv = run(transport, Format::Csv, [](auto& r) { return r.get(model::participantsSchema(), "p1", false); });
    CHECK(csv.out ==
          "id,session_id,context,joined_at,updated_at,left_at,record_type\r\np1,s1,Alice,,,,room_participant\r\n");
}
