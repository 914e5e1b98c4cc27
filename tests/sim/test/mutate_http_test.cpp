// /_sim/mutate: changes made through the control endpoint show on every /v2 route.
#include <catch2/catch.hpp>

#include "common/time.hpp"
#include "sim_client.hpp"

using namespace roomsd;
using namespace roomsd::simtest;

namespace {

// POST /_sim/mutate answered as is: these tests check the endpoint's statuses and bodies.
test::HttpResponse mutate(const test::SimProcess& sim, const std::string& body) {
    return sim.control().request("POST", "/_sim/mutate", body);
}

} // namespace

TEST_CASE("an update shows on the by-id and list routes, and stamps updated_at now") {
    test::SimProcess sim;
    json::object before = sim.control().account();
    std::string id(before.at("rooms").at(4).at("id").as_string());
    Timestamp start = nowUtc();
    test::HttpResponse response = mutate(sim, R"({"op":"update","stream":"rooms","id":")" + id +
                                                  R"(","set":{"unique_name":"Zo\u00eb's room","max_participants":3}})");
    REQUIRE(response.status == 200);
    json::value record = parseJson(response.body);
    CHECK(record.at("unique_name") == "Zo\xC3\xAB's room");
    CHECK(record.at("max_participants") == 3);
    auto updatedAt = parseTimestamp(record.at("updated_at").as_string());
    REQUIRE(updatedAt);
    CHECK(*updatedAt >= Timestamp{start.micros - kMicrosPerSecond});
    CHECK(apiJson(sim, "/rooms/" + id).at("data") == record);
    json::array named = listAll(sim, "/rooms", "filter[unique_name]=Zo%C3%AB%27s+room&");
    REQUIRE(named.size() == 1);
    CHECK(named[0] == record);
    CHECK(listAll(sim, "/rooms", "filter[date_updated_at][eq]=" + formatDate(dateOf(*updatedAt)) + "&").size() >= 1);
}

TEST_CASE("an update may set updated_at itself, and null") {
    test::SimProcess sim;
    std::string id(sim.control().account().at("room_sessions").at(0).at("id").as_string());
    test::HttpResponse response =
        mutate(sim, R"({"op":"update","stream":"room_sessions","id":")" + id +
                        R"(","set":{"active":false,"ended_at":null,"updated_at":"2021-04-16T10:24:55.962200Z"}})");
    REQUIRE(response.status == 200);
    json::value record = apiJson(sim, "/room_sessions/" + id).at("data");
    CHECK(record.at("updated_at") == "2021-04-16T10:24:55.962200Z");
    CHECK(record.at("ended_at").is_null());
    CHECK(record.at("active") == false);
}

TEST_CASE("a delete removes that record only") {
    test::SimProcess sim;
    json::object before = sim.control().account();
    const json::value& session = before.at("room_sessions").at(2);
    std::string id(session.at("id").as_string());
    std::string roomId(session.at("room_id").as_string());
    test::HttpResponse response = mutate(sim, R"({"op":"delete","stream":"room_sessions","id":")" + id + R"("})");
    REQUIRE(response.status == 200);
    CHECK(parseJson(response.body) == json::value{{"deleted", id}});
    CHECK(apiGet(sim, "/room_sessions/" + id).status == 404);
    for (const auto& s : listAll(sim, "/room_sessions")) CHECK(s.at("id") != id.c_str());
    CHECK(listAll(sim, "/room_sessions").size() == before.at("room_sessions").as_array().size() - 1);
    CHECK(apiGet(sim, "/rooms/" + roomId).status == 200);
    json::object after = sim.control().account();
    CHECK(after.at("rooms") == before.at("rooms"));
    CHECK(after.at("room_participants") == before.at("room_participants"));
}

TEST_CASE("a create adds a record with defaults, found on every route") {
    test::SimProcess sim;
    std::string sessionId(sim.control().account().at("room_sessions").at(0).at("id").as_string());
    test::HttpResponse response =
        mutate(sim, R"({"op":"create","stream":"room_participants","record":{"session_id":")" + sessionId +
                        R"(","context":"late \"joiner\""}})");
    REQUIRE(response.status == 200);
    json::value record = parseJson(response.body);
    std::string id(record.at("id").as_string());
    CHECK(id.size() == 36);
    CHECK(record.at("left_at").is_null());
    CHECK(record.at("joined_at") == record.at("updated_at"));
    CHECK(record.at("record_type") == "room_participant");
    CHECK(apiJson(sim, "/room_participants/" + id).at("data") == record);
    CHECK(apiJson(sim, "/room_participants").at("data").at(0) == record); // joined now: first
    json::array ofSession = listAll(sim, "/room_sessions/" + sessionId + "/participants");
    CHECK(std::count(ofSession.begin(), ofSession.end(), record) == 1);
}

TEST_CASE("mutations of unknown ids are 404 - malformed ones are 422") {
    test::SimProcess sim;
    CHECK(mutate(sim, R"({"op":"delete","stream":"rooms","id":"nope"})").status == 404);
    CHECK(mutate(sim, R"({"op":"update","stream":"room_participants","id":"nope","set":{"context":"x"}})").status ==
          404);
    std::string id(sim.control().account().at("rooms").at(0).at("id").as_string());
    for (const std::string& bad :
         {std::string("nonsense"),
          std::string(R"({"op":"update","stream":"rooms","id":")") + id + R"(","set":{"colour":"red"}})",
          std::string(R"({"op":"update","stream":"rooms","id":")") + id + R"(","set":{"max_participants":"x"}})",
          std::string(R"({"op":"create","stream":"rooms","record":{"id":")") + id + R"("}})",
          std::string(R"({"op":"drop","stream":"rooms"})")}) {
        INFO(bad);
        test::HttpResponse response = mutate(sim, bad);
        CHECK(response.status == 422);
        CHECK(parseJson(response.body).at("error").is_string());
    }
    CHECK(sim.control().request("GET", "/_sim/mutate").status == 405);
}

TEST_CASE("mutate update with extra adds fields the spec does not list, after record_type") {
    test::SimProcess sim({"--rooms", "3", "--seed", "2"});
    auto account = sim.control().account();
    std::string id(account.at("rooms").as_array()[0].at("id").as_string());
    auto r = mutate(sim, R"({"op":"update","stream":"rooms","id":")" + id +
                             R"(","set":{},"extra":{"region":"eu","limits":{"max":3}}})");
    REQUIRE(r.status == 200);
    auto room = simtest::apiJson(sim, "/rooms/" + id).at("data").as_object();
    CHECK(room.at("region") == "eu");
    CHECK(room.at("limits").at("max") == 3);
    auto keys = std::vector<std::string>();
    for (const auto& kv : room) keys.emplace_back(kv.key());
    CHECK(keys[keys.size() - 3] == "record_type");

    auto refused =
        mutate(sim, R"({"op":"update","stream":"rooms","id":")" + id + R"(","set":{},"extra":{"unique_name":"x"}})");
    CHECK(refused.status == 422);
}
