// Every filter of every list path, compared with the same filter computed here
// from /_sim/account: the sim's answer must be exactly the records that qualify.
#include <catch2/catch.hpp>
#include <functional>
#include <map>
#include <set>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "common/strings.hpp"
#include "sim_client.hpp"

using namespace roomsd;
using namespace roomsd::simtest;

namespace {

using Predicate = std::function<bool(const json::value&)>;

// The UTC date of a timestamp field as the sim writes it ("2026-05-01T...Z"), "" when null.
std::string dateOf(const json::value& record, const std::string& field) {
    const json::value& v = record.at(field);
    return v.is_null() ? std::string() : std::string(v.as_string()).substr(0, 10);
}

json::array select(const json::array& records, const Predicate& keep) {
    json::array out;
    for (const auto& r : records)
        if (keep(r)) out.push_back(r);
    return out;
}

// Dates that occur in `field`: the earliest, the median and the latest.
std::vector<std::string> sampleDates(const json::array& records, const std::string& field) {
    std::vector<std::string> dates;
    for (const auto& r : records)
        if (std::string d = dateOf(r, field); !d.empty()) dates.push_back(d);
    REQUIRE(dates.size() > 2);
    std::sort(dates.begin(), dates.end());
    return {dates.front(), dates[dates.size() / 2], dates.back()};
}

struct ListPath {
    std::string path;           // "/rooms" or "/rooms/ID/sessions"
    const json::array* records; // what the path lists without filters
};

// Checks the date filters of `dateField` (request name date_<field>) on `list`.
// With `mustSelect`, some sampled filter must also leave records out (not so in one
// session, whose participants may all have joined on one day).
void checkDateFilters(const test::SimProcess& sim, const ListPath& list, const std::string& field,
                      bool mustSelect = true) {
    const json::array& all = *list.records;
    std::vector<std::string> dates = sampleDates(all, field);
    std::string name = "filter[date_" + field + "]";
    std::size_t nonTrivial = 0;
    for (const std::string& d : dates) {
        struct Variant {
            std::string query;
            Predicate keep;
        };
        std::vector<Variant> variants = {
            {name + "[eq]=" + d, [&](const json::value& r) { return dateOf(r, field) == d; }},
            {name + "[gte]=" + d,
             [&](const json::value& r) {
                 auto x = dateOf(r, field);
                 return !x.empty() && x >= d;
             }},
            {name + "[lte]=" + d,
             [&](const json::value& r) {
                 auto x = dateOf(r, field);
                 return !x.empty() && x <= d;
             }},
            {"filter%5Bdate_" + field + "%5D%5Bgte%5D=" + dates.front() + "&" + name + "[lte]=" + d,
             [&](const json::value& r) {
                 auto x = dateOf(r, field);
                 return !x.empty() && x >= dates.front() && x <= d;
             }},
        };
        for (const Variant& v : variants) {
            INFO(list.path << "?" << v.query);
            json::array expected = select(all, v.keep);
            CHECK_FALSE(expected.empty()); // every sampled date occurs in the data
            if (expected.size() < all.size()) ++nonTrivial;
            CHECK(listAll(sim, list.path, v.query + "&", 250) == expected);
        }
    }
    if (mustSelect) CHECK(nonTrivial > 0); // the filter really removed records somewhere
    // A date on which nothing happened.
    CHECK(listAll(sim, list.path, name + "[eq]=1999-01-01&").empty());
}

void checkExactFilter(const test::SimProcess& sim, const ListPath& list, const std::string& field,
                      const std::string& value, bool expectSome = true) {
    std::string query = "filter[" + field + "]=" + boost::urls::encode(value, boost::urls::unreserved_chars);
    INFO(list.path << "?" << query);
    json::array expected = select(*list.records, [&](const json::value& r) {
        const json::value& v = r.at(field);
        return v.is_string() && v.as_string() == value;
    });
    if (expectSome) CHECK_FALSE(expected.empty());
    CHECK(listAll(sim, list.path, query + "&", 250) == expected);
}

void checkActiveFilter(const test::SimProcess& sim, const ListPath& list) {
    for (bool active : {true, false}) {
        json::array expected =
            select(*list.records, [&](const json::value& r) { return r.at("active").as_bool() == active; });
        CHECK(listAll(sim, list.path, std::string("filter[active]=") + (active ? "true" : "false") + "&") == expected);
    }
}

} // namespace

TEST_CASE("filters on /rooms") {
    test::SimProcess sim({"--rooms", "60", "--seed", "12"});
    json::object all = sim.control().account();
    const json::array& rooms = all.at("rooms").as_array();
    ListPath list{"/rooms", &rooms};
    checkDateFilters(sim, list, "created_at");
    checkDateFilters(sim, list, "updated_at");
    checkExactFilter(sim, list, "unique_name", std::string(rooms[7].at("unique_name").as_string()));
    checkExactFilter(sim, list, "unique_name", "no such room", false);
}

TEST_CASE("filters on /room_sessions") {
    test::SimProcess sim({"--rooms", "60", "--seed", "12"});
    json::object all = sim.control().account();
    const json::array& sessions = all.at("room_sessions").as_array();
    ListPath list{"/room_sessions", &sessions};
    checkDateFilters(sim, list, "created_at");
    checkDateFilters(sim, list, "updated_at");
    checkDateFilters(sim, list, "ended_at"); // active sessions (ended_at null) never match
    checkActiveFilter(sim, list);
    checkExactFilter(sim, list, "room_id", std::string(sessions[3].at("room_id").as_string()));
    // Filters combine.
    std::string roomId(sessions[3].at("room_id").as_string());
    json::array expected = select(sessions, [&](const json::value& s) {
        return s.at("room_id").as_string() == roomId && !s.at("active").as_bool();
    });
    CHECK(listAll(sim, "/room_sessions", "filter[room_id]=" + roomId + "&filter[active]=false&") == expected);
}

TEST_CASE("filters on /rooms/{room_id}/sessions") {
    test::SimProcess sim({"--rooms", "60", "--seed", "12"});
    json::object all = sim.control().account();
    // The room with the most sessions, so that the filters have something to choose from.
    std::map<std::string, json::array> byRoom;
    for (const auto& s : all.at("room_sessions").as_array())
        byRoom[std::string(s.at("room_id").as_string())].push_back(s);
    auto busiest = std::max_element(byRoom.begin(), byRoom.end(),
                                    [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
    REQUIRE(busiest->second.size() >= 4);
    ListPath list{"/rooms/" + busiest->first + "/sessions", &busiest->second};
    checkDateFilters(sim, list, "created_at");
    checkDateFilters(sim, list, "updated_at");
    checkDateFilters(sim, list, "ended_at");
    checkActiveFilter(sim, list);
}

TEST_CASE("filters on /room_participants") {
    test::SimProcess sim({"--rooms", "60", "--seed", "12"});
    json::object all = sim.control().account();
    const json::array& participants = all.at("room_participants").as_array();
    ListPath list{"/room_participants", &participants};
    checkDateFilters(sim, list, "joined_at");
    checkDateFilters(sim, list, "updated_at");
    checkDateFilters(sim, list, "left_at"); // participants still in an active session never match
    checkExactFilter(sim, list, "session_id", std::string(participants[5].at("session_id").as_string()));
    for (const char* context : {"Alice", "Zo\xC3\xAB", "Dr. \"Q\" O'Neil", "{\"role\":\"host\"}", "back\\slash"})
        checkExactFilter(sim, list, "context", context);
    checkExactFilter(sim, list, "context", "Ali", false); // whole values only
    // '+' in a value is a space, and brackets may be raw.
    json::array doctors =
        select(participants, [](const json::value& p) { return p.at("context") == "Dr. \"Q\" O'Neil"; });
    CHECK(listAll(sim, "/room_participants", "filter[context]=Dr.+%22Q%22+O'Neil&") == doctors);
}

TEST_CASE("filters on /room_sessions/{room_session_id}/participants") {
    test::SimProcess sim({"--rooms", "60", "--seed", "12"});
    json::object all = sim.control().account();
    // The ended session with the most participants: they have all left, so left_at can be filtered on.
    std::set<std::string> ended;
    for (const auto& s : all.at("room_sessions").as_array())
        if (!s.at("active").as_bool()) ended.emplace(s.at("id").as_string());
    std::map<std::string, json::array> bySession;
    for (const auto& p : all.at("room_participants").as_array())
        if (ended.contains(std::string(p.at("session_id").as_string())))
            bySession[std::string(p.at("session_id").as_string())].push_back(p);
    auto busiest = std::max_element(bySession.begin(), bySession.end(),
                                    [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
    REQUIRE(busiest->second.size() >= 4);
    ListPath list{"/room_sessions/" + busiest->first + "/participants", &busiest->second};
    checkDateFilters(sim, list, "joined_at", false);
    checkDateFilters(sim, list, "updated_at", false);
    checkDateFilters(sim, list, "left_at", false);
    checkExactFilter(sim, list, "context", std::string(busiest->second[0].at("context").as_string()));
}
