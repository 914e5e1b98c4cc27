// The orders that break offset paging, and what a change during a pass does under each:
// a record moved onto a page already read (a miss) or onto one not yet read (a duplicate).
#include <catch2/catch.hpp>
#include <map>

#include "sim_client.hpp"

using namespace roomsd;
using namespace roomsd::simtest;

namespace {

std::vector<std::string> page(const test::SimProcess& sim, int number) {
    json::value body = apiJson(sim, "/rooms?page[size]=5&page[number]=" + std::to_string(number));
    std::vector<std::string> out;
    for (const json::value& r : body.at("data").as_array()) out.push_back(std::string(r.at("id").as_string()));
    return out;
}

// Reads page 1, runs `change`, then reads the rest: how often each id was seen.
std::map<std::string, int> passWith(const test::SimProcess& sim, const std::function<void()>& change) {
    std::map<std::string, int> seen;
    for (const std::string& id : page(sim, 1)) ++seen[id];
    change();
    for (int n = 2; n <= 4; ++n)
        for (const std::string& id : page(sim, n)) ++seen[id];
    return seen;
}

void mutate(const test::SimProcess& sim, const std::string& body) { sim.control().mutate(parseJson(body).as_object()); }

void setOrder(const test::SimProcess& sim, const std::string& order) {
    REQUIRE(sim.control().request("PUT", "/_sim/order", R"({"order":")" + order + R"("})").status == 200);
}

} // namespace

TEST_CASE("each order sorts every list as documented") {
    for (const char* order : {"newest-first", "updated-ascending", "oldest-first"}) {
        INFO(order);
        test::SimProcess sim({"--rooms", "20", "--seed", "5", "--order", order});
        CHECK(parseJson(sim.control().request("GET", "/_sim/order").body).at("order") == order);
        for (const char* path : {"/rooms", "/room_sessions", "/room_participants"}) {
            json::array all = listAll(sim, path);
            std::string key = std::string(order) == "updated-ascending"   ? "updated_at"
                              : std::string(path) == "/room_participants" ? "joined_at"
                                                                          : "created_at";
            for (std::size_t i = 1; i < all.size(); ++i) {
                std::string a(all[i - 1].at(key).as_string()), b(all[i].at(key).as_string());
                std::string ida(all[i - 1].at("id").as_string()), idb(all[i].at("id").as_string());
                bool ordered = std::string(order) == "newest-first" ? (a > b || (a == b && ida < idb))
                                                                    : (a < b || (a == b && ida < idb));
                CHECK(ordered);
            }
        }
    }
    test::SimProcess sim({"--rooms", "2"});
    CHECK(sim.control().request("PUT", "/_sim/order", R"({"order":"random"})").status == 422);
}

TEST_CASE("newest-first: a room created during a pass shifts the pages - one record is read twice, the new one never") {
    test::SimProcess sim({"--rooms", "20", "--seed", "5"});
    auto seen = passWith(sim, [&] { mutate(sim, R"({"op":"create","stream":"rooms","record":{"id":"new-room"}})"); });
    CHECK_FALSE(seen.contains("new-room"));
    int twice = 0;
    for (const auto& [id, count] : seen) twice += count == 2;
    CHECK(twice == 1);
}

TEST_CASE("newest-first and oldest-first: a room deleted from a page already read makes the pass miss one") {
    for (const char* order : {"newest-first", "oldest-first"}) {
        INFO(order);
        test::SimProcess sim({"--rooms", "20", "--seed", "5", "--order", order});
        std::vector<std::string> before = page(sim, 1);
        json::array all = listAll(sim, "/rooms");
        auto seen =
            passWith(sim, [&] { mutate(sim, R"({"op":"delete","stream":"rooms","id":")" + before.front() + R"("})"); });
        CHECK(seen.size() == all.size() - 1); // 20 rooms, one deleted, one of the 19 missed
    }
}

TEST_CASE("oldest-first: a room created during a pass lands on the last page, nothing is missed") {
    test::SimProcess sim({"--rooms", "20", "--seed", "5", "--order", "oldest-first"});
    auto seen = passWith(sim, [&] { mutate(sim, R"({"op":"create","stream":"rooms","record":{"id":"new-room"}})"); });
    CHECK(seen.size() == 20); // the new room is on page 5, past this pass; every old one once
    for (const auto& [id, count] : seen) CHECK(count == 1);
}

TEST_CASE("updated-ascending: updating a room already read moves it to the end - a miss and a duplicate") {
    test::SimProcess sim({"--rooms", "20", "--seed", "5"});
    setOrder(sim, "updated-ascending"); // at run time this time
    std::string first = page(sim, 1).front();
    auto seen = passWith(sim, [&] {
        mutate(sim, R"({"op":"update","stream":"rooms","id":")" + first + R"(","set":{"max_participants":3}})");
    });
    CHECK(seen.at(first) == 2);
    CHECK(seen.size() == 19);
}
