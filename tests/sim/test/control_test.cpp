// The /_sim control endpoints answered in process, and the request log.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "control.hpp"
#include "spec_fixture.hpp"

using namespace roomsd;
using namespace roomsd::sim;
using namespace roomsd::sim::testing;
namespace json = boost::json;

namespace {

SimulatorState makeState() { return SimulatorState(testAccount(10, 2, 3)); }

ControlReply call(SimulatorState& state, std::string_view method, std::string_view target, std::string_view body = "") {
    return answerControlRequest(state, method, target, body, kMonthLater);
}

} // namespace

TEST_CASE("mutate answers the changed record, or what was deleted") {
    SimulatorState state = makeState();
    std::string id = state.account.records(Stream::Participants).front().id;
    ControlReply updated =
        call(state, "POST", "/_sim/mutate",
             R"({"op":"update","stream":"room_participants","id":")" + id + R"(","set":{"context":"Eve"}})");
    CHECK(updated.status == 200);
    json::value record = json::parse(updated.body);
    CHECK(record.at("context") == "Eve");
    CHECK(record.at("updated_at") == "2026-07-01T00:00:00.000000Z");

    ControlReply deleted =
        call(state, "POST", "/_sim/mutate", R"({"op":"delete","stream":"room_participants","id":")" + id + R"("})");
    CHECK(deleted.status == 200);
    CHECK(json::parse(deleted.body) == json::parse(R"({"deleted":")" + id + R"("})"));

    ControlReply created =
        call(state, "POST", "/_sim/mutate", R"({"op":"create","stream":"rooms","record":{"unique_name":"new"}})");
    CHECK(created.status == 200);
    CHECK(json::parse(created.body).at("created_at") == "2026-07-01T00:00:00.000000Z");
}

TEST_CASE("mutate says 404 for an unknown id and 422 for a bad request") {
    SimulatorState state = makeState();
    CHECK(call(state, "POST", "/_sim/mutate", R"({"op":"delete","stream":"rooms","id":"nope"})").status == 404);
    CHECK(call(state, "POST", "/_sim/mutate", R"({"op":"update","stream":"rooms","id":"nope","set":{}})").status ==
          404);
    for (const char* bad :
         {"", "not json", "[]", R"({"op":"delete","stream":"calls","id":"x"})",
          R"({"op":"rename","stream":"rooms","id":"x"})", R"({"op":"delete","stream":"rooms"})",
          R"({"op":"update","stream":"rooms","id":"x","set":[]})", R"({"op":"create","stream":"rooms"})"}) {
        INFO(bad);
        ControlReply reply = call(state, "POST", "/_sim/mutate", bad);
        CHECK(reply.status == 422);
        CHECK(json::parse(reply.body).at("error").is_string());
    }
}

TEST_CASE("control routes check their methods") {
    SimulatorState state = makeState();
    CHECK(call(state, "GET", "/_sim/account").status == 200);
    CHECK(call(state, "POST", "/_sim/account").status == 405);
    CHECK(call(state, "GET", "/_sim/mutate").status == 405);
    CHECK(call(state, "PUT", "/_sim/requests").status == 405);
    CHECK(call(state, "GET", "/_sim/nothing").status == 404);
    CHECK(call(state, "POST", "/_sim/faults", R"({"faults":[{"path":"/v2","kind":"close"}]})").status == 200);
    CHECK(json::parse(call(state, "GET", "/_sim/faults").body).at("faults").as_array().size() == 1);
    CHECK(call(state, "DELETE", "/_sim/faults").status == 200);
    CHECK(json::parse(call(state, "GET", "/_sim/faults").body).at("faults").as_array().empty());
}

TEST_CASE("the request log keeps the newest entries and their answered status") {
    RequestLog log(3);
    std::uint64_t first = log.record("GET", "/v2/rooms?a=1", kMonthLater, true);
    log.setStatus(first, 200);
    for (int i = 2; i <= 4; ++i) log.record("GET", "/v2/rooms?a=" + std::to_string(i), kMonthLater, false);
    log.setStatus(first, 500); // gone from the log: ignored
    json::object listed = log.toJson(9);
    const json::array& requests = listed.at("requests").as_array();
    REQUIRE(requests.size() == 3);
    CHECK(requests[0].at("target") == "/v2/rooms?a=2");
    CHECK(requests[2].at("target") == "/v2/rooms?a=4");
    CHECK(requests[2].at("status") == 0);
    CHECK(requests[2].at("authorized") == false);
    CHECK(requests[2].at("at") == "2026-07-01T00:00:00.000000Z");
    CHECK(listed.at("connections_accepted") == 9);
    std::uint64_t after = log.record("GET", "/v2/x", kMonthLater, true);
    log.setStatus(after, 404);
    log.clear();
    CHECK(log.toJson(9).at("requests").as_array().empty());
    std::uint64_t next = log.record("GET", "/v2/y", kMonthLater, true);
    log.setStatus(next, 201);
    CHECK(log.toJson(0).at("requests").at(0).at("status") == 201);
}
