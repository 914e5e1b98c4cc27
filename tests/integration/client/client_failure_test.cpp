// TelnyxClient against telnyx-sim misbehaving on purpose: rejected keys, 5xx and
// 429 with their waits, bodies cut short or not JSON, dropped connections, slow
// answers, oversized bodies, cancellation, and an API key that must never leak.
#include <catch2/catch.hpp>

#include <thread>

#include "log_capture.hpp"
#include "support/process.hpp"
#include "support/sim_control.hpp"
#include "telnyx/client.hpp"
#include "telnyx/curl.hpp"

namespace json = boost::json;
using namespace roomsd;
using namespace roomsd::telnyx;
using namespace std::chrono_literals;

namespace {

// As messages and the log show a request: its target percent-decoded.
const std::string kFirstRoomsPage = "GET /rooms?page[number]=1&page[size]=250";

ClientOptions optionsFor(const test::SimProcess& sim) {
    ClientOptions options;
    options.baseUrl = sim.baseUrl();
    options.timeout = 10s;
    options.connectTimeout = 5s;
    options.maxRetries = 3;
    options.backoffBase = 20ms; // jitter alone never reaches the server-asked waits below
    options.backoffCap = 200ms;
    return options;
}

json::object fault(std::string kind, int times, json::object extra = {}) {
    json::object rule{{"path", "/v2/rooms"}, {"kind", std::move(kind)}, {"times", times}};
    for (auto& [key, value] : extra) rule[key] = value;
    return rule;
}

std::string errorsBody(const std::string& code, const std::string& title, const std::string& detail) {
    return json::serialize(
        json::object{{"errors", json::array{json::object{{"code", code}, {"title", title}, {"detail", detail}}}}});
}

Result<ListPage> firstRoomsPage(TelnyxClient& client, std::stop_token stop = {}) {
    return client.listPage(model::roomsSchema(), ListQuery{}, stop);
}

// Milliseconds from `a` to `b`.
std::int64_t millisBetween(const Timestamp& a, const Timestamp& b) { return (b.micros - a.micros) / 1000; }

std::vector<int> statuses(const std::vector<test::SimRequest>& requests) {
    std::vector<int> out;
    for (const auto& r : requests) out.push_back(r.status);
    return out;
}

} // namespace

TEST_CASE("a wrong API key is an Auth error that says what to fix, and is not retried") {
    CurlGlobal curl;
    test::SimProcess sim;
    TelnyxClient client(optionsFor(sim), Secret("not-" + sim.apiKey()));
    auto page = firstRoomsPage(client);
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().kind == ErrorKind::Auth);
    const std::string& message = page.error().message;
    CHECK_THAT(message, Catch::Contains("HTTP 401 on " + kFirstRoomsPage));
    CHECK_THAT(message, Catch::Contains("rejected the API key from telnyx.api_key_file or TELNYX_API_KEY"));
    CHECK_THAT(message, Catch::Contains("not valid")); // the simulator's error detail, described
    auto log = sim.control().requestLog().to("/v2/");
    REQUIRE(log.size() == 1);
    CHECK_FALSE(log[0].authorized);
    CHECK(client.stats().retries == 0);
}

TEST_CASE("a missing API key and a 403 are Auth errors too") {
    CurlGlobal curl;
    test::SimProcess sim;
    SECTION("no key at all") {
        TelnyxClient client(optionsFor(sim), Secret(""));
        auto page = firstRoomsPage(client);
        REQUIRE_FALSE(page.ok());
        CHECK(page.error().kind == ErrorKind::Auth);
        CHECK_THAT(page.error().message, Catch::Contains("HTTP 401"));
    }
    SECTION("a key the API knows but refuses") {
        sim.control().addFaults(
            {fault("status", 1,
                   {{"status", 403}, {"body", errorsBody("10010", "Forbidden", "This key may not read rooms.")}})});
        TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
        auto page = firstRoomsPage(client);
        REQUIRE_FALSE(page.ok());
        CHECK(page.error().kind == ErrorKind::Auth);
        CHECK_THAT(page.error().message, Catch::Contains("HTTP 403"));
        CHECK_THAT(page.error().message, Catch::Contains("This key may not read rooms."));
        CHECK(sim.control().requestLog().to("/v2/").size() == 1);
    }
}

TEST_CASE("two 503s then a page: three requests, two retries, the page") {
    CurlGlobal curl;
    test::SimProcess sim;
    sim.control().addFaults({fault("status", 2, {{"status", 503}})});
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    auto page = firstRoomsPage(client);
    REQUIRE(page.ok());
    CHECK(page->records.size() == 20);
    CHECK(statuses(sim.control().requestLog().to("/v2/")) == std::vector<int>{503, 503, 200});
    auto stats = client.stats();
    CHECK(stats.requests == 3);
    CHECK(stats.retries == 2);
    CHECK(stats.byStatus[503] == 2);
    CHECK(stats.byStatus[200] == 1);
}

TEST_CASE("Retry-After on a 503 delays the retry by at least that long") {
    CurlGlobal curl;
    test::SimProcess sim;
    sim.control().addFaults({fault("status", 1, {{"status", 503}, {"headers", {{"Retry-After", "1"}}}})});
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    REQUIRE(firstRoomsPage(client).ok());
    auto log = sim.control().requestLog().to("/v2/");
    REQUIRE(statuses(log) == std::vector<int>{503, 200});
    CHECK(millisBetween(log[0].at, log[1].at) >= 1000);
}

TEST_CASE("a 429's x-ratelimit-reset pauses every caller of the client, not only the one told") {
    CurlGlobal curl;
    test::SimProcess sim;
    json::object headers{{"x-ratelimit-limit", "100"}, {"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "2"}};
    sim.control().addFaults({fault("status", 1,
                                   {{"status", 429},
                                    {"page", 1},
                                    {"headers", headers},
                                    {"body", errorsBody("10011", "Too many requests", "Slow down.")}})});
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));

    std::optional<Result<ListPage>> first, second;
    std::jthread told([&] { first = firstRoomsPage(client); });
    REQUIRE(test::eventually([&] { return client.stats().byStatus[429] == 1; }));
    std::this_thread::sleep_for(100ms); // let the first caller finish reading its 429 (sequencing, not a measurement)
    std::jthread other([&] {
        ListQuery query;
        query.pageNumber = 2;
        query.pageSize = 5;
        second = client.listPage(model::roomsSchema(), query, {});
    });
    told.join();
    other.join();
    REQUIRE(first->ok());
    REQUIRE(second->ok());

    auto log = sim.control().requestLog().to("/v2/rooms");
    REQUIRE(log.size() == 3);
    CHECK(log[0].status == 429);
    for (std::size_t i = 1; i < log.size(); ++i) {
        INFO(log[i].target);
        CHECK(log[i].status == 200);
        CHECK(millisBetween(log[0].at, log[i].at) >= 2000);
    }
    auto stats = client.stats();
    CHECK(stats.rateLimitLimit == 100);
    CHECK(stats.retries == 1); // only the caller that was told retried; the other just waited
}

TEST_CASE("x-ratelimit-remaining 0 on a success holds the next request until the reset, so no 429 comes") {
    CurlGlobal curl;
    test::SimProcess sim({"--rooms", "20", "--seed", "7", "--rate-limit", "3", "--rate-window-secs", "2"});
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    for (int i = 0; i < 7; ++i) REQUIRE(firstRoomsPage(client).ok());
    auto stats = client.stats();
    CHECK(stats.byStatus.count(429) == 0);
    CHECK(stats.requests == 7);
    CHECK(stats.rateLimitLimit == 3);
    auto log = sim.control().requestLog().to("/v2/");
    REQUIRE(log.size() == 7);
    // Requests 1-3 share a window; the 4th waits for the next one.
    CHECK(millisBetween(log[0].at, log[3].at) >= 2000);
}

TEST_CASE("retries spent: the kind, the request, the last status and the described error body") {
    CurlGlobal curl;
    test::SimProcess sim;
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    SECTION("5xx with a video_Errors body") {
        sim.control().addFaults(
            {fault("status", 10,
                   {{"status", 503}, {"body", errorsBody("10007", "Unexpected error", "The database is on fire.")}})});
        auto page = firstRoomsPage(client);
        REQUIRE_FALSE(page.ok());
        CHECK(page.error().kind == ErrorKind::Transient);
        CHECK_THAT(page.error().message, Catch::Contains(kFirstRoomsPage));
        CHECK_THAT(page.error().message, Catch::Contains("HTTP 503"));
        CHECK_THAT(page.error().message, Catch::Contains("code 10007 Unexpected error: The database is on fire."));
        CHECK_THAT(page.error().message, Catch::Contains("4 attempts"));
        CHECK(sim.control().requestLog().to("/v2/").size() == 4);
        CHECK(client.stats().retries == 3);
    }
    SECTION("429 with a video_GenericErrorResponse body") {
        sim.control().addFaults({fault("status", 10,
                                       {{"status", 429},
                                        {"headers", {{"x-ratelimit-reset", "0"}}},
                                        {"body", R"({"message":"Slow down, please","success":false})"}})});
        auto page = firstRoomsPage(client);
        REQUIRE_FALSE(page.ok());
        CHECK(page.error().kind == ErrorKind::RateLimited);
        CHECK_THAT(page.error().message, Catch::Contains("HTTP 429"));
        CHECK_THAT(page.error().message, Catch::Contains("Slow down, please"));
        CHECK(sim.control().requestLog().to("/v2/").size() == 4);
    }
}

TEST_CASE("other 4xx are Http errors with the described body, not retried") {
    CurlGlobal curl;
    test::SimProcess sim;
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    SECTION("422 with a video_Error naming the parameter") {
        json::object error{{"code", "10015"},
                           {"title", "Invalid parameter"},
                           {"detail", "page[size] must be at most 250"},
                           {"source", {{"parameter", "page[size]"}}}};
        sim.control().addFaults(
            {fault("status", 1, {{"status", 422}, {"body", json::serialize(json::object{{"errors", {error}}})}})});
        auto page = firstRoomsPage(client);
        REQUIRE_FALSE(page.ok());
        CHECK(page.error().kind == ErrorKind::Http);
        CHECK_THAT(page.error().message, Catch::Contains("HTTP 422"));
        CHECK_THAT(page.error().message, Catch::Contains("page[size] must be at most 250 (parameter page[size])"));
    }
    SECTION("404 on a list endpoint") {
        sim.control().addFaults(
            {fault("status", 1, {{"status", 404}, {"body", errorsBody("10005", "Resource not found", "Gone.")}})});
        auto page = firstRoomsPage(client);
        REQUIRE_FALSE(page.ok());
        CHECK(page.error().kind == ErrorKind::Http);
        CHECK_THAT(page.error().message, Catch::Contains("HTTP 404"));
    }
    SECTION("a redirect is not followed") {
        sim.control().addFaults(
            {fault("status", 1, {{"status", 302}, {"headers", {{"Location", "http://elsewhere.invalid/v2/rooms"}}}})});
        auto page = firstRoomsPage(client);
        REQUIRE_FALSE(page.ok());
        CHECK(page.error().kind == ErrorKind::Http);
        CHECK_THAT(page.error().message, Catch::Contains("HTTP 302"));
        CHECK_THAT(page.error().message, Catch::Contains("elsewhere.invalid"));
    }
    CHECK(sim.control().requestLog().to("/v2/").size() == 1);
    CHECK(client.stats().retries == 0);
}

TEST_CASE("a body cut short or not JSON is retried, then a Protocol error") {
    CurlGlobal curl;
    test::SimProcess sim;
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    for (const char* kind : {"truncate", "garbage"}) {
        DYNAMIC_SECTION(kind << " once, then the page") {
            sim.control().addFaults({fault(kind, 1)});
            auto page = firstRoomsPage(client);
            REQUIRE(page.ok());
            CHECK(page->records.size() == 20);
            CHECK(sim.control().requestLog().to("/v2/").size() == 2);
            CHECK(client.stats().retries == 1);
        }
        DYNAMIC_SECTION(kind << " every time") {
            sim.control().addFaults({fault(kind, 10)});
            auto page = firstRoomsPage(client);
            REQUIRE_FALSE(page.ok());
            CHECK(page.error().kind == ErrorKind::Protocol);
            CHECK_THAT(page.error().message, Catch::Contains(kFirstRoomsPage));
            CHECK_THAT(page.error().message, Catch::Contains("4 attempts"));
            CHECK(sim.control().requestLog().to("/v2/").size() == 4);
        }
    }
}

TEST_CASE("a connection closed without an answer is retried") {
    CurlGlobal curl;
    test::SimProcess sim;
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    SECTION("once") {
        sim.control().addFaults({fault("close", 1)});
        auto page = firstRoomsPage(client);
        REQUIRE(page.ok());
        CHECK(client.stats().retries == 1);
        CHECK(client.stats().byStatus[0] == 1);
    }
    SECTION("every time") {
        sim.control().addFaults({fault("close", 10)});
        auto page = firstRoomsPage(client);
        REQUIRE_FALSE(page.ok());
        CHECK(page.error().kind == ErrorKind::Transient);
        CHECK_THAT(page.error().message, Catch::Contains(kFirstRoomsPage));
        CHECK(client.stats().byStatus[0] == 4);
    }
}

TEST_CASE("an answer slower than the timeout is a Transient error") {
    CurlGlobal curl;
    test::SimProcess sim;
    sim.control().addFaults({fault("delay", 10, {{"delay_ms", 3000}})});
    ClientOptions options = optionsFor(sim);
    options.timeout = 1s;
    options.maxRetries = 1;
    TelnyxClient client(options, Secret(sim.apiKey()));
    auto page = firstRoomsPage(client);
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().kind == ErrorKind::Transient);
    CHECK_THAT(page.error().message, Catch::Contains("curl error 28")); // CURLE_OPERATION_TIMEDOUT
    CHECK(client.stats().requests == 2);
    CHECK(client.stats().byStatus[0] == 2);
}

TEST_CASE("a body over maxBodyBytes is a Protocol error and is not retried") {
    CurlGlobal curl;
    test::SimProcess sim;
    ClientOptions options = optionsFor(sim);
    options.maxBodyBytes = 1000; // one page of 20 rooms is several kilobytes
    TelnyxClient client(options, Secret(sim.apiKey()));
    auto page = firstRoomsPage(client);
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().kind == ErrorKind::Protocol);
    CHECK_THAT(page.error().message, Catch::Contains("larger than the limit of 1000 bytes"));
    CHECK(sim.control().requestLog().to("/v2/").size() == 1);
}

TEST_CASE("a stop ends a long wait or a slow transfer with Cancelled") {
    CurlGlobal curl;
    test::SimProcess sim;
    TelnyxClient client(optionsFor(sim), Secret(sim.apiKey()));
    std::stop_source stop;
    SECTION("during a 60-second Retry-After") {
        sim.control().addFaults({fault("status", 1, {{"status", 503}, {"headers", {{"Retry-After", "60"}}}})});
    }
    SECTION("during a 60-second 429 pause") {
        sim.control().addFaults({fault("status", 1, {{"status", 429}, {"headers", {{"x-ratelimit-reset", "60"}}}})});
    }
    SECTION("while the server takes 60 seconds to answer") {
        sim.control().addFaults({fault("delay", 1, {{"delay_ms", 60000}})}); // far past the 10 s timeout too
    }
    std::jthread stopper([&] {
        test::eventually(
            [&] { return client.stats().requests >= 1 || !sim.control().requestLog().to("/v2/").empty(); });
        std::this_thread::sleep_for(200ms);
        stop.request_stop();
    });
    auto page = firstRoomsPage(client, stop.get_token());
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().kind == ErrorKind::Cancelled);
    CHECK_THAT(page.error().message, Catch::Contains(kFirstRoomsPage));
    CHECK(sim.control().requestLog().to("/v2/").size() == 1);
}

TEST_CASE("the API key appears in no error message and no log line, even when the server echoes it") {
    CurlGlobal curl;
    test::SimProcess sim;
    test::LogCapture logs;
    const std::string& key = sim.apiKey();
    sim.control().addFaults({fault(
        "status", 1, {{"status", 500}, {"body", errorsBody("1", "Echo", "You sent Authorization: Bearer " + key)}})});
    TelnyxClient client(optionsFor(sim), Secret(key));
    REQUIRE(firstRoomsPage(client).ok()); // retried past the 500, logging a warning with its body

    sim.control().addFaults({fault("status", 1, {{"status", 401}, {"body", errorsBody("2", "Echo", key)}})});
    auto rejected = firstRoomsPage(client);
    REQUIRE_FALSE(rejected.ok());
    CHECK(rejected.error().kind == ErrorKind::Auth);

    sim.control().addFaults({fault("garbage", 10, {{"body", "<html>" + key + "</html>"}})});
    auto garbage = firstRoomsPage(client);
    REQUIRE_FALSE(garbage.ok());

    const std::string logged = logs.text();
    for (const std::string& text : {rejected.error().message, garbage.error().message, logged}) {
        INFO(text);
        CHECK(text.find(key) == std::string::npos);
    }
    // The echoes were there and were scrubbed: the test would see a leak.
    CHECK_THAT(rejected.error().message, Catch::Contains("[redacted]"));
    CHECK_THAT(logged, Catch::Contains("[redacted]"));
    CHECK_THAT(logged, Catch::Contains("GET /rooms")); // debug lines were captured too
}
