// Fault rules: parsing, path matching, uses and order.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "faults.hpp"

using namespace roomsd;
using namespace roomsd::sim;
namespace json = boost::json;

namespace {

std::vector<FaultRule> rules(std::string_view text) {
    auto parsed = parseFaultRules(json::parse(text));
    if (!parsed) FAIL(parsed.error().message);
    return *parsed;
}

} // namespace

TEST_CASE("a rule's path matches itself and what lies below it, nothing else") {
    CHECK(faultPathMatches("/v2/rooms", "/v2/rooms"));
    CHECK(faultPathMatches("/v2/rooms", "/v2/rooms/abc"));
    CHECK(faultPathMatches("/v2/rooms", "/v2/rooms/abc/sessions"));
    CHECK_FALSE(faultPathMatches("/v2/rooms", "/v2/room_sessions"));
    CHECK_FALSE(faultPathMatches("/v2/rooms", "/v2/roomsx"));
    CHECK_FALSE(faultPathMatches("/v2/rooms/abc", "/v2/rooms"));
    CHECK(faultPathMatches("/v2", "/v2/room_participants"));
}

TEST_CASE("rules parse with their defaults") {
    auto parsed = rules(R"({"faults":[
        {"path":"/v2/rooms","kind":"status","status":503,"headers":{"Retry-After":"1"},"body":"busy"},
        {"path":"/v2/room_sessions","page":2,"times":3,"kind":"delay","delay_ms":1500},
        {"path":"/v2","kind":"close"}]})");
    REQUIRE(parsed.size() == 3);
    CHECK(parsed[0].kind == FaultKind::Status);
    CHECK(parsed[0].status == 503);
    CHECK(parsed[0].timesLeft == 1);
    CHECK(parsed[0].headers == std::vector<std::pair<std::string, std::string>>{{"Retry-After", "1"}});
    CHECK(parsed[0].body == "busy");
    CHECK_FALSE(parsed[0].page);
    CHECK(parsed[1].page == 2);
    CHECK(parsed[1].timesLeft == 3);
    CHECK(parsed[1].delay == std::chrono::milliseconds(1500));
    CHECK(parsed[2].kind == FaultKind::Close);
}

TEST_CASE("bad rules are refused with the reason") {
    for (const char* bad : {
             R"([])",
             R"({"faults":{}})",
             R"({"faults":[{"kind":"close"}]})",
             R"({"faults":[{"path":"v2/rooms","kind":"close"}]})",
             R"({"faults":[{"path":"/v2","kind":"explode"}]})",
             R"({"faults":[{"path":"/v2","kind":"status"}]})",
             R"({"faults":[{"path":"/v2","kind":"status","status":99}]})",
             R"({"faults":[{"path":"/v2","kind":"close","times":0}]})",
             R"({"faults":[{"path":"/v2","kind":"close","page":"2"}]})",
             R"({"faults":[{"path":"/v2","kind":"delay"}]})",
             R"({"faults":[{"path":"/v2","kind":"close","headers":{"X":1}}]})",
             R"({"faults":[{"path":"/v2","kind":"close","headers":{"X":"a\r\nSet-Cookie: b"}}]})",
             R"({"faults":[{"path":"/v2","kind":"close","headers":{"Bad Name":"a"}}]})",
             R"({"faults":[{"path":"/v2","kind":"close","tiems":2}]})",
         }) {
        INFO(bad);
        auto parsed = parseFaultRules(json::parse(bad));
        CHECK_FALSE(parsed.ok());
        if (!parsed.ok()) CHECK(parsed.error().kind == ErrorKind::Usage);
    }
}

TEST_CASE("the first matching rule with uses left applies, and spends one") {
    FaultPlan plan;
    plan.append(rules(R"({"faults":[
        {"path":"/v2/rooms","page":2,"kind":"close"},
        {"path":"/v2/rooms","times":2,"kind":"garbage"},
        {"path":"/v2","kind":"truncate"}]})"));
    auto fallThrough = plan.take("/v2/room_sessions", 2);
    REQUIRE(fallThrough);
    CHECK(fallThrough->kind == FaultKind::Truncate);
    auto second = plan.take("/v2/rooms", 2);
    REQUIRE(second);
    CHECK(second->kind == FaultKind::Close);
    CHECK(plan.take("/v2/rooms", 2)->kind == FaultKind::Garbage); // the close rule is spent
    CHECK(plan.take("/v2/rooms/x", 1)->kind == FaultKind::Garbage);
    CHECK_FALSE(plan.take("/v2/rooms", 1)); // all spent
    json::object listed = plan.toJson();
    CHECK(listed.at("faults").as_array().size() == 3);
    CHECK(listed.at("faults").at(1).at("times_left") == 0);
    plan.clear();
    CHECK(plan.toJson().at("faults").as_array().empty());
}

TEST_CASE("a rule for a page does not match a request whose page is not a number") {
    FaultPlan plan;
    plan.append(rules(R"({"faults":[{"path":"/v2/rooms","page":1,"kind":"close"}]})"));
    CHECK_FALSE(plan.take("/v2/rooms", std::nullopt));
    CHECK(plan.take("/v2/rooms", 1));
}
