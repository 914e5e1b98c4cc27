// Fault rules: parsing, path matching, uses and order.
#include <algorithm>
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

TEST_CASE("the new kinds parse: lying_meta with its lie, wrong_types with its field, hang - rate is seeded") {
    auto parsed = rules(R"({"faults":[
        {"path":"/v2/rooms","kind":"lying_meta","lie":"page_stuck","times":2},
        {"path":"/v2/rooms","kind":"wrong_types","field":"max_participants","rate":0.25},
        {"path":"/v2","kind":"hang"}]})");
    REQUIRE(parsed.size() == 3);
    CHECK(parsed[0].kind == FaultKind::LyingMeta);
    CHECK(parsed[0].lie == MetaLie::PageStuck);
    CHECK(parsed[0].timesLeft == 2);
    CHECK(parsed[1].kind == FaultKind::WrongTypes);
    CHECK(parsed[1].field == "max_participants");
    CHECK(parsed[1].rate == 0.25);
    CHECK_FALSE(parsed[1].timesLeft); // a rate without times: unlimited
    CHECK(parsed[2].kind == FaultKind::Hang);
    for (const char* bad : {R"({"faults":[{"path":"/v2","kind":"lying_meta"}]})",
                            R"({"faults":[{"path":"/v2","kind":"lying_meta","lie":"sometimes"}]})",
                            R"({"faults":[{"path":"/v2","kind":"close","lie":"page_stuck"}]})",
                            R"({"faults":[{"path":"/v2","kind":"wrong_types"}]})",
                            R"({"faults":[{"path":"/v2","kind":"close","rate":0}]})",
                            R"({"faults":[{"path":"/v2","kind":"close","rate":1.5}]})",
                            R"({"faults":[{"path":"/v2","kind":"close","rate":"often"}]})"}) {
        INFO(bad);
        CHECK_FALSE(parseFaultRules(json::parse(bad)).ok());
    }
}

TEST_CASE("a rule with a rate hits about that share of requests, the same ones for the same seed") {
    auto pattern = [](std::uint64_t seed) {
        FaultPlan plan(seed);
        plan.append(rules(R"({"faults":[{"path":"/v2","kind":"close","rate":0.3}]})"));
        std::string hits;
        for (int i = 0; i < 400; ++i) hits += plan.take("/v2/rooms", 1) ? 'x' : '.';
        return hits;
    };
    std::string first = pattern(5);
    auto hits = std::count(first.begin(), first.end(), 'x');
    CHECK(hits > 80);
    CHECK(hits < 160);
    CHECK(first == pattern(5));
    CHECK(first != pattern(6));
    FaultPlan plan;
    plan.append(rules(R"({"faults":[{"path":"/v2","kind":"close","rate":1,"times":2}]})"));
    CHECK(plan.take("/v2/rooms", 1));
    CHECK(plan.take("/v2/rooms", 1));
    CHECK_FALSE(plan.take("/v2/rooms", 1));
    CHECK(plan.toJson().at("faults").at(0).at("rate") == 1.0);
}

TEST_CASE("lying meta raises total_pages or lowers total_results, nothing else") {
    std::string page =
        R"({"data":[{"id":"a"}],"meta":{"page_number":2,"page_size":5,"total_pages":3,"total_results":12}})";
    json::value high = json::parse(lieAboutMeta(page, MetaLie::TotalPagesHigh));
    CHECK(high.at("meta").at("total_pages") == 4);
    CHECK(high.at("meta").at("total_results") == 12);
    CHECK(high.at("data") == json::parse(page).at("data"));
    json::value low = json::parse(lieAboutMeta(page, MetaLie::TotalResultsLow));
    CHECK(low.at("meta").at("total_results") == 7);
    CHECK(low.at("meta").at("total_pages") == 3);
    CHECK(lieAboutMeta("not json", MetaLie::TotalPagesHigh) == "not json");
}

TEST_CASE("wrong types: the field of every record changes JSON type, or data becomes an object") {
    std::string page = R"({"data":[{"id":"a","max_participants":5,"updated_at":"2021-04-16T09:46:20.954863Z",
        "enable_recording":true,"active_session_id":null},{"id":"b","max_participants":7}],"meta":{}})";
    json::value numbers = json::parse(withWrongTypes(page, "max_participants"));
    CHECK(numbers.at("data").at(0).at("max_participants") == "5");
    CHECK(numbers.at("data").at(1).at("max_participants") == "7");
    CHECK(json::parse(withWrongTypes(page, "updated_at")).at("data").at(0).at("updated_at").is_number());
    CHECK(json::parse(withWrongTypes(page, "enable_recording")).at("data").at(0).at("enable_recording") == "true");
    CHECK(json::parse(withWrongTypes(page, "active_session_id")).at("data").at(0).at("active_session_id") == 0);
    json::value object = json::parse(withWrongTypes(page, "data"));
    REQUIRE(object.at("data").is_object());
    CHECK(object.at("data").at("b").at("max_participants") == 7);
    json::value one = json::parse(withWrongTypes(R"({"data":{"id":"a","max_participants":5}})", "max_participants"));
    CHECK(one.at("data").at("max_participants") == "5");
}
