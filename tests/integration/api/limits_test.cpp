// The query API's limits: every bad or greedy client gets a 4xx/5xx or is
// closed, and another client keeps getting answers meanwhile.
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <thread>

#include "raw_connection.hpp"
#include "support/daemon.hpp"

using namespace roomsd::test;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// The status code of the first response in `raw`, 0 if none.
int statusOf(const std::string& raw) {
    if (!raw.starts_with("HTTP/1.1 ")) return 0;
    return std::stoi(raw.substr(9, 3));
}

std::string errorCode(const std::string& raw) {
    auto body = raw.find("\r\n\r\n");
    if (body == std::string::npos) return "";
    return std::string(json::parse(raw.substr(body + 4)).at("errors").at(0).at("code").as_string());
}

// A client that keeps asking on one keep-alive connection.
void stillServing(const RoomsdDaemon& daemon) {
    HttpResponse r = daemon.get("/v2/rooms?page[size]=3");
    CHECK(r.status == 200);
}

} // namespace

TEST_CASE("malformed HTTP, unknown routes and wrong methods get JSON errors") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    {
        RawConnection c(daemon.socket());
        c.send("HELLO THERE\r\n\r\n");
        std::string raw = c.readUntilClosed(5s);
        CHECK(statusOf(raw) == 400);
        CHECK(errorCode(raw) == "bad_request");
    }
    {
        RawConnection c(daemon.socket());
        c.send("GET /v2/rooms HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n");
        CHECK(statusOf(c.readUntilClosed(5s)) == 400);
    }
    HttpResponse unknown = daemon.get("/v2/nothing");
    CHECK(unknown.status == 404);
    CHECK(json::parse(unknown.body).at("errors").at(0).at("code") == "not_found");
    CHECK(daemon.get("/").status == 404);
    HttpRequest del;
    del.method = "DELETE";
    del.url = "/v2/rooms";
    HttpResponse wrong = daemon.request(del);
    CHECK(wrong.status == 405);
    CHECK(wrong.header("allow") == "GET, HEAD");
    CHECK(json::parse(wrong.body).at("errors").at(0).at("code") == "method_not_allowed");
    HttpResponse getSql = daemon.get("/sql");
    CHECK(getSql.status == 405);
    CHECK(getSql.header("allow") == "POST");
    HttpRequest head;
    head.method = "HEAD";
    head.url = "/v2/rooms";
    HttpResponse headed = daemon.request(head);
    CHECK(headed.status == 200);
    CHECK(headed.body.empty());
    CHECK(std::stoul(headed.header("content-length")) == daemon.get("/v2/rooms").body.size());
    stillServing(daemon);
}

TEST_CASE("keep-alive: several requests on one connection, answered in order") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    RawConnection c(daemon.socket());
    c.send("GET /v2/rooms/a HTTP/1.1\r\nHost: x\r\n\r\nGET /v2/rooms?page[size]=1 HTTP/1.1\r\nHost: x\r\n\r\n"
           "GET /v2/room_sessions/b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string raw = c.readUntilClosed(10s);
    std::size_t first = raw.find("HTTP/1.1 404");
    std::size_t second = raw.find("HTTP/1.1 200", first);
    std::size_t third = raw.find("HTTP/1.1 404", second);
    CHECK(first != std::string::npos);
    CHECK(second != std::string::npos);
    CHECK(third != std::string::npos);
}

TEST_CASE("an oversized header or body is refused, and others are still served") {
    SimProcess sim;
    RoomsdDaemon daemon(sim, serverOptions({"  max_body_bytes: 1024"}));
    HttpResponse header = daemon.get("/v2/rooms", {"X-Filler: " + std::string(9000, 'a')});
    CHECK(header.status == 431);
    CHECK(json::parse(header.body).at("errors").at(0).at("code") == "header_too_large");
    stillServing(daemon);
    HttpResponse body = daemon.post("/sql", "SELECT '" + std::string(5000, 'x') + "'");
    CHECK(body.status == 413);
    CHECK(json::parse(body.body).at("errors").at(0).at("code") == "body_too_large");
    stillServing(daemon);
    {
        // A chunked body has no length up front: it is cut off when it passes the limit.
        RawConnection c(daemon.socket());
        c.send("POST /sql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + std::string(2048, 'x') +
               "\r\n0\r\n\r\n");
        std::string raw = c.readUntilClosed(5s);
        CHECK(statusOf(raw) == 413);
    }
    CHECK(daemon.post("/sql", "SELECT 1").status == 200); // a body under the limit
}

TEST_CASE("a client that never finishes its request is closed after the request timeout") {
    SimProcess sim;
    RoomsdDaemon daemon(sim, serverOptions({"  request_timeout_secs: 1"}));
    RawConnection slow(daemon.socket());
    slow.send("GET /v2/rooms HTTP/1.1\r\nHost: x\r\n"); // and never the blank line
    RawConnection idle(daemon.socket());                // sends nothing at all
    auto started = std::chrono::steady_clock::now();
    // Meanwhile another client is served.
    stillServing(daemon);
    CHECK(slow.closedWithin(10s));
    CHECK(idle.closedWithin(10s));
    CHECK(std::chrono::steady_clock::now() - started >= 900ms);
    stillServing(daemon);
    // A keep-alive connection left idle is closed the same way.
    RawConnection kept(daemon.socket());
    kept.send("GET /status HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(kept.closedWithin(10s));
}

TEST_CASE("one connection over server.max_connections gets 503 and others are still served") {
    SimProcess sim;
    RoomsdDaemon daemon(sim, serverOptions({"  max_connections: 4"}));
    // One working client on a keep-alive connection, three idle ones: four in all.
    RawConnection working(daemon.socket());
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 3; ++i) idle.push_back(std::make_unique<RawConnection>(daemon.socket()));
    working.send("GET /v2/rooms/x HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(eventually([&] { return daemon.log().find("/v2/rooms/x -> 404") != std::string::npos; }));
    RawConnection extra(daemon.socket());
    extra.send("GET /status HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string refused = extra.readUntilClosed(5s);
    CHECK(statusOf(refused) == 503);
    CHECK(errorCode(refused) == "too_many_connections");
    working.send("GET /v2/rooms?page[size]=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string answers = working.readUntilClosed(5s);
    CHECK(answers.find("HTTP/1.1 404") != std::string::npos);
    CHECK(answers.find("HTTP/1.1 200") != std::string::npos);
    // Once connections close, new ones are served again.
    idle.clear();
    CHECK(eventually([&] { return daemon.get("/status").status == 200; }));
    std::string metrics = daemon.get("/metrics").body;
    auto at = metrics.find("\nroomsd_api_connections_rejected_total ");
    REQUIRE(at != std::string::npos);
    CHECK(std::stod(metrics.substr(at + 39)) >= 1);
}

TEST_CASE("a query past its time limit is stopped while other clients are answered") {
    SimProcess sim;
    RoomsdDaemon daemon(sim, serverOptions({"  sql_timeout_ms: 1500"}));
    std::atomic<bool> sqlDone = false;
    auto started = std::chrono::steady_clock::now();
    auto slow = std::async(std::launch::async, [&] {
        HttpResponse r = daemon.post(
            "/sql", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c");
        sqlDone = true;
        return r;
    });
    std::this_thread::sleep_for(300ms); // let the query start
    // While it runs: /v2 reads, /status and another SQL query are all answered.
    int answeredWhileRunning = 0;
    for (int i = 0; i < 5 && !sqlDone; ++i) {
        if (daemon.get("/v2/rooms").status == 200 && daemon.get("/status").status == 200 &&
            daemon.post("/sql", "SELECT count(*) FROM rooms").status == 200 && !sqlDone)
            ++answeredWhileRunning;
    }
    HttpResponse r = slow.get();
    CHECK(r.status == 422);
    CHECK(json::parse(r.body).at("errors").at(0).at("code") == "sql_timeout");
    CHECK(std::chrono::steady_clock::now() - started >= 1500ms);
    CHECK(answeredWhileRunning > 0);
}

TEST_CASE("many clients at once all get answers") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    std::vector<std::future<int>> clients;
    for (int i = 0; i < 32; ++i)
        clients.push_back(std::async(std::launch::async, [&, i] {
            int ok = 0;
            for (int j = 0; j < 10; ++j) {
                HttpResponse r = (i + j) % 3 == 0   ? daemon.post("/sql", "SELECT count(*) FROM room_participants")
                                 : (i + j) % 3 == 1 ? daemon.get("/v2/room_participants?page[size]=50")
                                                    : daemon.get("/status");
                ok += r.status == 200;
            }
            return ok;
        }));
    int total = 0;
    for (auto& c : clients) total += c.get();
    CHECK(total == 320);
}
