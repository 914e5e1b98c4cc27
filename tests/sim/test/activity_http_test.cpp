// Live activity in a running simulator: on demand, after every Nth list request, on a
// timer; deterministic across processes; /_sim/account a consistent snapshot throughout.
#include <catch2/catch.hpp>
#include <set>

#include "consistency.hpp"
#include "sim_client.hpp"

using namespace roomsd;
using namespace roomsd::simtest;

namespace {

json::value control(const test::SimProcess& sim, const std::string& method, const std::string& path,
                    const std::string& body = "") {
    test::HttpResponse answer = sim.control().request(method, path, body);
    INFO(answer.body);
    REQUIRE(answer.status == 200);
    return parseJson(answer.body);
}

std::int64_t changesApplied(const test::SimProcess& sim) {
    return control(sim, "GET", "/_sim/activity").at("changes_applied").as_int64();
}

std::set<std::string> idsIn(const json::object& account, const char* stream) {
    std::set<std::string> out;
    for (const json::value& record : account.at(stream).as_array())
        out.insert(std::string(record.at("id").as_string()));
    return out;
}

} // namespace

TEST_CASE("POST /_sim/activity applies K changes now and says what it did") {
    test::SimProcess sim({"--rooms", "20", "--seed", "4"});
    json::value answer = control(sim, "POST", "/_sim/activity", R"({"changes":30})");
    const json::array& applied = answer.at("applied").as_array();
    REQUIRE(applied.size() == 30);
    CHECK(answer.at("changes_applied") == 30);
    json::object account = sim.control().account();
    CHECK(inconsistencies(account, nowUtc()).empty());
    for (const json::value& change : applied) {
        std::string kind(change.at("change").as_string());
        std::string stream(change.at("stream").as_string());
        std::set<std::string> present = idsIn(account, stream.c_str());
        INFO(kind);
        if (kind == "room_deleted")
            CHECK_FALSE(present.contains(std::string(change.at("id").as_string())));
        else if (kind.ends_with("created") || kind == "session_started" || kind == "participant_joined")
            CHECK(present.contains(std::string(change.at("id").as_string()))); // unless a later change deleted it
        CHECK(parseTimestamp(change.at("at").as_string()));
    }
    CHECK(sim.control().request("POST", "/_sim/activity", R"({"changes":0})").status == 422);
    CHECK(sim.control().request("POST", "/_sim/activity", "[]").status == 422);
    CHECK(sim.control().request("DELETE", "/_sim/activity").status == 405);
}

TEST_CASE("the same seed gives the same changes in two processes") {
    auto changes = [](const std::string& seed) {
        test::SimProcess sim({"--rooms", "20", "--seed", "4", "--activity-seed", seed});
        std::vector<std::string> out;
        json::value answer = control(sim, "POST", "/_sim/activity", R"({"changes":40})");
        for (const json::value& c : answer.at("applied").as_array())
            out.push_back(std::string(c.at("change").as_string()) + " " + std::string(c.at("id").as_string()));
        return out;
    };
    std::vector<std::string> first = changes("8");
    CHECK(first == changes("8"));
    CHECK(first != changes("9"));
}

TEST_CASE("with --activity-every-requests N, K changes follow every Nth list request") {
    test::SimProcess sim({"--rooms", "20", "--seed", "4", "--activity-every-requests", "2", "--activity-changes", "3"});
    CHECK(changesApplied(sim) == 0);
    apiJson(sim, "/rooms");
    CHECK(changesApplied(sim) == 0);
    std::string room(apiJson(sim, "/room_sessions").at("data").at(0).at("room_id").as_string());
    CHECK(changesApplied(sim) == 3);
    apiGet(sim, "/rooms/" + room); // a by-id request is not a list request
    apiJson(sim, "/room_participants");
    CHECK(changesApplied(sim) == 3);
    apiJson(sim, "/rooms/" + room + "/sessions");
    CHECK(changesApplied(sim) == 6);
    // Configured at run time: every list request, one change.
    json::value set = control(sim, "PUT", "/_sim/activity", R"({"every_requests":1,"changes":1})");
    CHECK(set.at("every_requests") == 1);
    for (int i = 0; i < 4; ++i) apiJson(sim, "/rooms");
    CHECK(changesApplied(sim) == 10);
    CHECK(sim.control().request("PUT", "/_sim/activity", R"({"every_requests":"often"})").status == 422);
}

TEST_CASE("with --activity-interval-ms the account changes by itself, and every snapshot is consistent") {
    test::SimProcess sim({"--rooms", "30", "--seed", "4", "--activity-interval-ms", "5", "--activity-changes", "4"});
    REQUIRE(test::eventually([&] { return changesApplied(sim) >= 40; }, std::chrono::seconds(20)));
    for (int i = 0; i < 10; ++i) {
        json::object account = sim.control().account();
        std::vector<std::string> problems = inconsistencies(account, nowUtc());
        INFO((problems.empty() ? std::string() : problems.front()));
        CHECK(problems.empty());
    }
    control(sim, "PUT", "/_sim/activity", R"({"interval_ms":0})");
    std::int64_t stopped = changesApplied(sim);
    apiJson(sim, "/rooms");
    CHECK(changesApplied(sim) == stopped);
}

TEST_CASE("a session change leaves its room's updated_at alone unless --activity-bumps-parents") {
    for (bool bumps : {false, true}) {
        std::vector<std::string> args{"--rooms", "20", "--seed", "4"};
        if (bumps) args.push_back("--activity-bumps-parents");
        test::SimProcess sim(args);
        CHECK(control(sim, "GET", "/_sim/activity").at("bumps_parents") == bumps);
        bool seen = false;
        for (int i = 0; i < 100 && !seen; ++i) {
            json::value change = control(sim, "POST", "/_sim/activity", R"({"changes":1})").at("applied").at(0);
            if (change.at("change") != "session_started") continue;
            seen = true;
            json::value session = apiJson(sim, "/room_sessions/" + std::string(change.at("id").as_string()));
            std::string roomId(session.at("data").at("room_id").as_string());
            json::value room = apiJson(sim, "/rooms/" + roomId).at("data");
            CHECK(room.at("active_session_id") == change.at("id"));
            CHECK((room.at("updated_at") == change.at("at")) == bumps);
        }
        CHECK(seen);
    }
}
