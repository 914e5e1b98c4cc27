// Fault rules installed through /_sim/faults, seen from the client's side of the socket.
#include <signal.h>

#include <catch2/catch.hpp>
#include <thread>

#include "sim_client.hpp"

using namespace roomsd;
using namespace roomsd::simtest;

namespace {

// Adds the fault rules written as a JSON array.
void addFaults(const test::SimProcess& sim, const std::string& rules) {
    sim.control().addFaults(parseJson(rules).as_array());
}

std::string authorization(const test::SimProcess& sim) { return "Authorization: Bearer " + sim.apiKey(); }

// Splits a raw HTTP response into its head and body.
std::pair<std::string, std::string> headAndBody(const std::string& raw) {
    auto end = raw.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    return {raw.substr(0, end), raw.substr(end + 4)};
}

std::size_t declaredLength(const std::string& head) {
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto at = lower.find("content-length:");
    REQUIRE(at != std::string::npos);
    return std::stoul(head.substr(at + 15));
}

} // namespace

TEST_CASE("a status fault answers its status, headers and body, then the rule is spent") {
    test::SimProcess sim;
    addFaults(sim,
              R"([{"path":"/v2/rooms","kind":"status","status":503,"headers":{"Retry-After":"1"},"body":"down"}])");
    test::HttpResponse faulted = apiGet(sim, "/rooms");
    CHECK(faulted.status == 503);
    CHECK(faulted.header("retry-after") == "1");
    CHECK(faulted.body == "down");
    CHECK(apiGet(sim, "/rooms").status == 200);
}

TEST_CASE("a status fault without a body answers a video_Errors body suited to the status") {
    test::SimProcess sim;
    addFaults(sim, R"([{"path":"/v2","kind":"status","status":500,"times":2},
                       {"path":"/v2","kind":"status","status":429}])");
    for (int i = 0; i < 2; ++i) {
        test::HttpResponse response = apiGet(sim, "/room_participants");
        CHECK(response.status == 500);
        CHECK(parseJson(response.body).at("errors").at(0).as_object().contains("code"));
    }
    test::HttpResponse limited = apiGet(sim, "/room_sessions");
    CHECK(limited.status == 429);
    CHECK(parseJson(limited.body).at("errors").at(0).at("code") == "10011");
}

TEST_CASE("a rule matches its path and below, on the page it names, in the order rules were added") {
    test::SimProcess sim;
    addFaults(sim, R"([{"path":"/v2/rooms","page":2,"kind":"status","status":502},
                       {"path":"/v2/rooms","kind":"status","status":503}])");
    CHECK(apiGet(sim, "/room_sessions").status == 200); // not below /v2/rooms
    CHECK(apiGet(sim, "/rooms?page[number]=2").status == 502);
    std::string roomId(sim.control().account().at("rooms").at(0).at("id").as_string());
    CHECK(apiGet(sim, "/rooms/" + roomId).status == 503);
    CHECK(apiGet(sim, "/rooms?page%5Bnumber%5D=2").status == 200);
    CHECK(sim.control().request("GET", "/_sim/faults").status == 200);
}

TEST_CASE("faults never touch the control endpoints, and DELETE clears them") {
    test::SimProcess sim;
    addFaults(sim, R"([{"path":"/","kind":"close","times":100}])");
    CHECK(sim.control().request("GET", "/_sim/account").status == 200);
    CHECK(sim.control().request("DELETE", "/_sim/faults").status == 200);
    CHECK(apiGet(sim, "/rooms").status == 200);
}

TEST_CASE("bad fault rules are refused with 422") {
    test::SimProcess sim;
    for (const char* body :
         {"", "{", R"({"faults":[{"path":"/v2","kind":"melt"}]})", R"({"faults":[{"kind":"close"}]})"}) {
        test::HttpResponse response = sim.control().request("POST", "/_sim/faults", body);
        CHECK(response.status == 422);
        CHECK(parseJson(response.body).at("error").is_string());
    }
}

TEST_CASE("a truncate fault declares the whole body but closes after half of it") {
    test::SimProcess sim;
    std::string whole = apiGet(sim, "/rooms").body;
    addFaults(sim, R"([{"path":"/v2/rooms","kind":"truncate"}])");
    auto [head, body] = headAndBody(rawExchange(sim.port(), rawGet("/v2/rooms", {authorization(sim)})));
    CHECK(head.starts_with("HTTP/1.1 200"));
    CHECK(declaredLength(head) == whole.size());
    CHECK(body.size() == whole.size() / 2);
    CHECK(whole.starts_with(body));
    test::HttpResponse viaCurl = apiGet(sim, "/rooms"); // spent: whole again
    CHECK(viaCurl.body == whole);
}

TEST_CASE("a garbage fault answers 200 with a body that is not JSON, or the given one") {
    test::SimProcess sim;
    addFaults(sim,
              R"([{"path":"/v2/rooms","kind":"garbage"},{"path":"/v2/rooms","kind":"garbage","body":"{\"data\":"}])");
    test::HttpResponse first = apiGet(sim, "/rooms");
    CHECK(first.status == 200);
    boost::system::error_code ec;
    json::parse(first.body, ec);
    CHECK(ec);
    test::HttpResponse second = apiGet(sim, "/rooms");
    CHECK(second.status == 200);
    CHECK(second.body == "{\"data\":");
}

TEST_CASE("a close fault closes the connection without an answer") {
    test::SimProcess sim;
    addFaults(sim, R"([{"path":"/v2/rooms","kind":"close","times":2}])");
    CHECK(rawExchange(sim.port(), rawGet("/v2/rooms", {authorization(sim)})).empty());
    test::HttpResponse viaCurl = apiGet(sim, "/rooms");
    CHECK(viaCurl.status == 0);
    CHECK_FALSE(viaCurl.error.empty());
    CHECK(apiGet(sim, "/rooms").status == 200);
    test::SimRequestLog log = sim.control().requestLog();
    CHECK(log.requests.at(0).status == 0);
    CHECK(log.requests.at(2).status == 200);
}

TEST_CASE("a delay fault answers normally, later") {
    test::SimProcess sim;
    std::string whole = apiGet(sim, "/rooms").body;
    addFaults(sim, R"([{"path":"/v2/rooms","kind":"delay","delay_ms":300}])");
    test::HttpResponse delayed = apiGet(sim, "/rooms");
    CHECK(delayed.status == 200);
    CHECK(delayed.body == whole);
}

TEST_CASE("a delayed answer does not hold up other connections") {
    test::SimProcess sim;
    addFaults(sim, R"([{"path":"/v2/rooms","kind":"delay","delay_ms":60000}])");
    // The delayed request is sent first; a second connection still gets its answer.
    int port = sim.port();
    std::string key = authorization(sim);
    std::thread slow([port, key] { rawExchange(port, rawGet("/v2/rooms", {key, "Connection: close"}), 2000); });
    CHECK(test::eventually([&] { return sim.control().requestLog().requests.size() == 1; }));
    test::HttpResponse quick = apiGet(sim, "/room_sessions");
    CHECK(quick.status == 200);
    slow.join();
    test::SimRequestLog log = sim.control().requestLog();
    CHECK(log.requests.at(0).status == 0); // still waiting when the client gave up
}

TEST_CASE("lying meta: total_pages too high, total_results too low, or page 1 whatever page was asked") {
    test::SimProcess sim({"--rooms", "30", "--seed", "7"});
    json::value truth = apiJson(sim, "/rooms?page[size]=10&page[number]=2");
    addFaults(sim, R"([{"path":"/v2/rooms","kind":"lying_meta","lie":"total_pages_high"},
                       {"path":"/v2/rooms","kind":"lying_meta","lie":"total_results_low"},
                       {"path":"/v2/rooms","kind":"lying_meta","lie":"page_stuck","page":3}])");
    json::value high = apiJson(sim, "/rooms?page[size]=10&page[number]=2");
    CHECK(high.at("meta").at("total_pages") == 4);
    CHECK(high.at("meta").at("total_results") == 30);
    CHECK(high.at("data") == truth.at("data"));
    json::value low = apiJson(sim, "/rooms?page[size]=10&page[number]=2");
    CHECK(low.at("meta").at("total_results") == 20);
    CHECK(low.at("meta").at("total_pages") == 3);
    json::value first = apiJson(sim, "/rooms?page[size]=10");
    json::value stuck = apiJson(sim, "/rooms?page[size]=10&page[number]=3");
    CHECK(stuck.at("meta").at("page_number") == 1);
    CHECK(stuck.at("data") == first.at("data"));
    CHECK(apiJson(sim, "/rooms?page[size]=10&page[number]=3").at("meta").at("page_number") == 3); // spent
}

TEST_CASE("wrong types: a field of another JSON type, or data as an object") {
    test::SimProcess sim({"--rooms", "5", "--seed", "7"});
    addFaults(sim, R"([{"path":"/v2/rooms","kind":"wrong_types","field":"max_participants"},
                       {"path":"/v2/rooms","kind":"wrong_types","field":"updated_at"},
                       {"path":"/v2/room_sessions","kind":"wrong_types","field":"data"}])");
    json::value strings = apiJson(sim, "/rooms");
    for (const json::value& room : strings.at("data").as_array()) CHECK(room.at("max_participants").is_string());
    json::value numbers = apiJson(sim, "/rooms");
    for (const json::value& room : numbers.at("data").as_array()) CHECK(room.at("updated_at").is_number());
    json::value sessions = apiJson(sim, "/room_sessions");
    CHECK(sessions.at("data").is_object());
    CHECK(sessions.at("meta").is_object());
    CHECK(apiJson(sim, "/rooms").at("data").at(0).at("max_participants").is_int64()); // all spent
}

TEST_CASE("a hang fault never answers, blocks no other connection, and SIGTERM still stops the sim") {
    test::SimProcess sim({"--rooms", "3"});
    addFaults(sim, R"([{"path":"/v2/rooms","kind":"hang","times":2}])");
    OpenConnection first(sim.port(), rawGet("/v2/rooms", {authorization(sim)}));
    OpenConnection second(sim.port(), rawGet("/v2/rooms?page[number]=2", {authorization(sim)}));
    CHECK(apiGet(sim, "/room_sessions").status == 200); // answered while two are held
    CHECK(apiGet(sim, "/rooms").status == 200);         // the rule is spent
    CHECK_FALSE(first.heardWithin(300));
    CHECK_FALSE(second.heardWithin(10));
    test::SimRequestLog log = sim.control().requestLog();
    REQUIRE(log.to("/v2/rooms").size() == 3);
    CHECK(log.to("/v2/rooms")[0].status == 0);
    CHECK(log.to("/v2/rooms")[1].status == 0);
    sim.process().signal(SIGTERM);
    auto status = sim.process().waitFor(std::chrono::seconds(10));
    REQUIRE(status);
    CHECK(*status == 0);
    CHECK(first.heardWithin(1000)); // closed by the stop
}

TEST_CASE("a fault with a rate hits a seeded share of requests: the same ones for the same --fault-seed") {
    auto pattern = [](const std::string& seed) {
        test::SimProcess sim({"--rooms", "3", "--fault-seed", seed});
        addFaults(sim, R"([{"path":"/v2/rooms","kind":"status","status":503,"rate":0.5}])");
        std::string hits;
        for (int i = 0; i < 40; ++i) hits += apiGet(sim, "/rooms").status == 503 ? 'x' : '.';
        json::value rule = parseJson(sim.control().request("GET", "/_sim/faults").body).at("faults").at(0);
        CHECK(rule.at("times_left").is_null());
        CHECK(rule.at("rate") == 0.5);
        return hits;
    };
    std::string first = pattern("3");
    CHECK(first.find('x') != std::string::npos);
    CHECK(first.find('.') != std::string::npos);
    CHECK(first == pattern("3"));
    CHECK(first != pattern("4"));
}
