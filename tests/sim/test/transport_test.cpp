// The HTTP side: rate limit, gzip, latency, the request log, keep-alive and many connections.
#include <catch2/catch.hpp>
#include <thread>

#include "common/time.hpp"
#include "sim_client.hpp"

using namespace roomsd;
using namespace roomsd::simtest;

namespace {

std::string authorization(const test::SimProcess& sim) { return "Authorization: Bearer " + sim.apiKey(); }

} // namespace

TEST_CASE("over the rate limit the API answers 429 with the x-ratelimit headers") {
    test::SimProcess sim({"--rooms", "5", "--rate-limit", "3", "--rate-window-secs", "3600"});
    for (int i = 1; i <= 3; ++i) {
        test::HttpResponse response = apiGet(sim, "/rooms");
        CHECK(response.status == 200);
        CHECK(response.header("x-ratelimit-limit") == "3");
        CHECK(response.header("x-ratelimit-remaining") == std::to_string(3 - i));
        long reset = std::stol(response.header("x-ratelimit-reset"));
        CHECK(reset >= 1);
        CHECK(reset <= 3600);
    }
    CHECK(sim.control().request("GET", "/_sim/account").status == 200); // control endpoints do not count
    test::HttpResponse limited = apiGet(sim, "/rooms");
    CHECK(limited.status == 429);
    CHECK(limited.header("x-ratelimit-limit") == "3");
    CHECK(limited.header("x-ratelimit-remaining") == "0");
    CHECK(std::stol(limited.header("x-ratelimit-reset")) >= 1);
    json::value error = parseJson(limited.body).at("errors").at(0);
    CHECK(error.at("code") == "10011");
    CHECK(error.at("title") == "Too many requests");
    CHECK(error.at("detail").is_string());
}

TEST_CASE("every /v2 answer carries the rate headers when limiting, none otherwise") {
    test::SimProcess limited({"--rooms", "5", "--rate-limit", "100"});
    for (const char* path : {"/rooms", "/rooms/nope", "/rooms?page[size]=0", "/nowhere"})
        CHECK(apiGet(limited, path).header("x-ratelimit-limit") == "100");
    CHECK(test::get(limited.baseUrl() + "/rooms").header("x-ratelimit-limit") == "100"); // 401 too
    test::SimProcess unlimited({"--rooms", "5"});
    test::HttpResponse response = apiGet(unlimited, "/rooms");
    CHECK(response.headers.count("x-ratelimit-limit") == 0);
    CHECK(response.headers.count("x-ratelimit-remaining") == 0);
    CHECK(response.headers.count("x-ratelimit-reset") == 0);
}

TEST_CASE("the body is gzip when the client accepts it, unless --no-gzip") {
    test::SimProcess sim;
    test::HttpResponse plain = apiGet(sim, "/rooms?include_sessions=true");
    REQUIRE(plain.status == 200);
    CHECK(plain.headers.count("content-encoding") == 0);
    test::HttpRequest request;
    request.url = sim.baseUrl() + "/rooms?include_sessions=true";
    request.headers.push_back(authorization(sim));
    request.acceptGzip = true;
    test::HttpResponse gzipped = test::send(request);
    CHECK(gzipped.status == 200);
    CHECK(gzipped.header("content-encoding") == "gzip");
    CHECK(gzipped.body == plain.body); // curl inflated it
    std::string raw = rawExchange(
        sim.port(), rawGet("/v2/rooms", {authorization(sim), "Accept-Encoding: gzip", "Connection: close"}));
    auto bodyAt = raw.find("\r\n\r\n");
    REQUIRE(bodyAt != std::string::npos);
    CHECK(static_cast<unsigned char>(raw[bodyAt + 4]) == 0x1f); // gzip magic on the wire
    CHECK(static_cast<unsigned char>(raw[bodyAt + 5]) == 0x8b);

    test::SimProcess noGzip({"--no-gzip"});
    request.url = noGzip.baseUrl() + "/rooms";
    request.headers = {"Authorization: Bearer " + noGzip.apiKey()};
    test::HttpResponse uncompressed = test::send(request);
    CHECK(uncompressed.status == 200);
    CHECK(uncompressed.headers.count("content-encoding") == 0);
    CHECK(parseJson(uncompressed.body).at("data").is_array());
}

TEST_CASE("with --latency-ms the answers are the same") {
    test::SimProcess slow({"--rooms", "5", "--seed", "1", "--latency-ms", "50"});
    test::SimProcess fast({"--rooms", "5", "--seed", "1"});
    CHECK(apiJson(slow, "/rooms?include_sessions=true") == apiJson(fast, "/rooms?include_sessions=true"));
    CHECK(apiGet(slow, "/rooms?page[size]=0").status == 422);
}

TEST_CASE("the request log has each /v2 request's raw target, status and key check, never the key") {
    test::SimProcess sim;
    sim.control().clearRequestLog();
    apiGet(sim, "/rooms?page%5Bnumber%5D=1&page[size]=5&filter[unique_name]=a+b");
    test::get(sim.baseUrl() + "/room_sessions", "wrong");
    apiGet(sim, "/rooms/nope");
    sim.control().request("GET", "/_sim/account"); // not logged
    test::HttpResponse logResponse = sim.control().request("GET", "/_sim/requests");
    CHECK(logResponse.body.find(sim.apiKey()) == std::string::npos);
    json::value log = parseJson(logResponse.body);
    const json::array& requests = log.at("requests").as_array();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].at("method") == "GET");
    CHECK(requests[0].at("target") == "/v2/rooms?page%5Bnumber%5D=1&page[size]=5&filter[unique_name]=a+b");
    CHECK(requests[0].at("status") == 200);
    CHECK(requests[0].at("authorized") == true);
    CHECK(requests[1].at("status") == 401);
    CHECK(requests[1].at("authorized") == false);
    CHECK(requests[2].at("status") == 404);
    CHECK(parseTimestamp(requests[2].at("at").as_string()).has_value());
    std::int64_t connections = log.at("connections_accepted").as_int64();
    CHECK(connections >= 4);

    sim.control().clearRequestLog();
    test::SimRequestLog cleared = sim.control().requestLog();
    CHECK(cleared.requests.empty());
    CHECK(cleared.connectionsAccepted > connections); // counts on, never cleared
}

TEST_CASE("one keep-alive connection serves many requests, pipelined too") {
    test::SimProcess sim;
    std::string key = authorization(sim);
    std::string requests = rawGet("/v2/rooms?page[size]=1", {key}) + rawGet("/v2/room_sessions?page[size]=1", {key}) +
                           rawGet("/v2/rooms/nope", {key, "Connection: close"});
    std::int64_t before = sim.control().requestLog().connectionsAccepted;
    std::string raw = rawExchange(sim.port(), requests);
    std::size_t answers = 0;
    for (std::size_t at = raw.find("HTTP/1.1 "); at != std::string::npos; at = raw.find("HTTP/1.1 ", at + 1)) ++answers;
    CHECK(answers == 3);
    CHECK(raw.find("HTTP/1.1 404") != std::string::npos);
    std::int64_t after = sim.control().requestLog().connectionsAccepted;
    CHECK(after == before + 2); // the raw connection, then this control request
}

TEST_CASE("many concurrent connections are all served") {
    test::SimProcess sim({"--rooms", "30"});
    std::string expected = apiGet(sim, "/room_participants?page[size]=50").body;
    std::vector<std::thread> clients;
    std::vector<std::string> bodies(16);
    for (std::size_t i = 0; i < bodies.size(); ++i)
        clients.emplace_back([&, i] {
            for (int j = 0; j < 5; ++j) {
                test::HttpResponse r = test::get(sim.baseUrl() + "/room_participants?page[size]=50", sim.apiKey());
                if (r.status != 200 || r.body != expected) return;
            }
            bodies[i] = expected;
        });
    for (auto& t : clients) t.join();
    for (const auto& body : bodies) CHECK(body == expected);
}

TEST_CASE("a request with oversized headers is refused and the connection closed") {
    test::SimProcess sim;
    std::string huge = "X-Padding: " + std::string(64 * 1024, 'a');
    std::string raw = rawExchange(sim.port(), rawGet("/v2/rooms", {authorization(sim), huge}));
    CHECK(raw.starts_with("HTTP/1.1 431"));
    CHECK(apiGet(sim, "/rooms").status == 200); // and the server is still fine
}

TEST_CASE("unknown paths outside /v2 and /_sim are 404") {
    test::SimProcess sim;
    CHECK(test::get(sim.rootUrl() + "/").status == 404);
    CHECK(sim.control().request("GET", "/_sim/nothing").status == 404);
}

TEST_CASE("a control POST that expects 100-continue gets it, and its body is read") {
    test::SimProcess sim;
    std::string rules = R"({"faults":[)";
    for (int i = 0; i < 40; ++i) rules += std::string(i ? "," : "") + R"({"path":"/v2/nothing","kind":"close"})";
    rules += "]}";
    REQUIRE(rules.size() > 1024);
    std::string request = "POST /_sim/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " +
                          std::to_string(rules.size()) + "\r\n\r\n";
    // The headers alone: the go-ahead must come before the body is sent.
    std::string interim = rawExchange(sim.port(), request, 5000);
    CHECK(interim.starts_with("HTTP/1.1 100 Continue\r\n\r\n"));
    std::string raw = rawExchange(sim.port(), request + rules);
    CHECK(raw.find("HTTP/1.1 200") != std::string::npos);
    CHECK(parseJson(sim.control().request("GET", "/_sim/faults").body).at("faults").as_array().size() == 40);
}

TEST_CASE("past --hard-limit in a rolling second the API answers 429 with Retry-After, and the log says so") {
    test::SimProcess sim({"--rooms", "2", "--hard-limit", "2"});
    // Requests on loopback take about a millisecond: 40 of them overrun two a second.
    std::vector<test::HttpResponse> answers;
    for (int i = 0; i < 40; ++i) answers.push_back(apiGet(sim, "/rooms"));
    int refused = 0;
    for (const test::HttpResponse& answer : answers) {
        if (answer.status != 429) {
            CHECK(answer.status == 200);
            continue;
        }
        ++refused;
        CHECK(std::stoi(answer.header("retry-after")) >= 1);
        CHECK(answer.header("x-ratelimit-limit") == "2");
        CHECK(answer.header("x-ratelimit-remaining") == "0");
        CHECK(std::stoi(answer.header("x-ratelimit-reset")) >= 1);
        CHECK(parseJson(answer.body).at("errors").at(0).at("code") == "10011");
    }
    CHECK(refused > 0);
    CHECK(refused < 40);
    json::value log = parseJson(sim.control().request("GET", "/_sim/requests").body);
    int logged = 0;
    for (const json::value& entry : log.at("requests").as_array())
        if (entry.as_object().contains("refused_by")) {
            CHECK(entry.at("refused_by") == "hard-limit");
            CHECK(entry.at("status") == 429);
            ++logged;
        }
    CHECK(logged == refused);
}
