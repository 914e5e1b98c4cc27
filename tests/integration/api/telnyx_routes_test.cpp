// Every /v2 route and parameter of the query API, compared with telnyx-sim's
// own answer to the same request: same status, same records, same meta.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <set>

#include "support/daemon.hpp"
#include "support/json.hpp"
#include "support/sim_control.hpp"

using namespace roomsd::test;
namespace json = boost::json;

namespace {

// The simulator's answer to `target` ("/v2/..."), the request roomsd is asked too.
HttpResponse upstreamAnswer(const SimProcess& sim, const std::string& target) {
    REQUIRE(target.starts_with("/v2/"));
    return apiGet(sim, target.substr(3));
}

// Asks both and compares status and body (as parsed JSON; key order aside).
void sameAnswer(const SimProcess& sim, const RoomsdDaemon& daemon, const std::string& target) {
    HttpResponse upstream = upstreamAnswer(sim, target);
    HttpResponse mirror = daemon.get(target);
    INFO(target);
    INFO("sim: " << upstream.body.substr(0, 400));
    INFO("roomsd: " << mirror.body.substr(0, 400));
    REQUIRE(upstream.status != 0);
    REQUIRE(mirror.status == upstream.status);
    CHECK(json::parse(mirror.body) == json::parse(upstream.body));
}

// Walks every page of `base` (which may hold a query) at `size`, one past the end too.
void samePages(const SimProcess& sim, const RoomsdDaemon& daemon, const std::string& base, int size) {
    std::string sep = base.find('?') == std::string::npos ? "?" : "&";
    HttpResponse first = upstreamAnswer(sim, base + sep + "page[size]=" + std::to_string(size));
    REQUIRE(first.status == 200);
    std::int64_t pages = json::parse(first.body).at("meta").at("total_pages").as_int64();
    for (std::int64_t page = 1; page <= pages + 1; ++page)
        sameAnswer(sim, daemon,
                   base + sep + "page[size]=" + std::to_string(size) + "&page[number]=" + std::to_string(page));
}

// A few distinct non-null values of `field`, dates cut to YYYY-MM-DD.
std::vector<std::string> valuesOf(const json::value& records, const std::string& field, bool date, std::size_t most) {
    std::set<std::string> seen;
    std::vector<std::string> out;
    for (const auto& r : records.as_array()) {
        const json::value& v = r.at(field);
        if (!v.is_string()) continue;
        std::string text(v.as_string());
        if (date) text = text.substr(0, 10);
        if (seen.insert(text).second) out.push_back(text);
        if (out.size() == most) break;
    }
    return out;
}

} // namespace

TEST_CASE("every list route pages like the simulator, at several page sizes") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    for (const char* route : {"/v2/rooms", "/v2/room_sessions", "/v2/room_participants"}) {
        sameAnswer(sim, daemon, route); // the default page size
        for (int size : {1, 7, 20, 250}) samePages(sim, daemon, route, size);
    }
}

TEST_CASE("include flags embed the same sessions and participants as upstream") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    for (const char* flag : {"true", "false"}) {
        samePages(sim, daemon, std::string("/v2/rooms?include_sessions=") + flag, 7);
        samePages(sim, daemon, std::string("/v2/room_sessions?include_participants=") + flag, 9);
    }
    // A flag of another route is ignored on both.
    sameAnswer(sim, daemon, "/v2/rooms?include_participants=true");
    sameAnswer(sim, daemon, "/v2/room_participants?include_sessions=true");
    // And it does embed something: the account has sessions.
    json::value body = json::parse(daemon.get("/v2/rooms?include_sessions=true&page[size]=250").body);
    std::size_t embedded = 0;
    for (const auto& room : body.at("data").as_array()) embedded += room.at("sessions").as_array().size();
    CHECK(embedded == sim.control().account().at("room_sessions").as_array().size());
}

TEST_CASE("every record by id, and every nested list, is the simulator's") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    json::value all = sim.control().account();
    for (const std::string& id : idsOf(all.at("rooms").as_array())) {
        sameAnswer(sim, daemon, "/v2/rooms/" + id);
        sameAnswer(sim, daemon, "/v2/rooms/" + id + "?include_sessions=true");
        sameAnswer(sim, daemon, "/v2/rooms/" + id + "/sessions");
        sameAnswer(sim, daemon, "/v2/rooms/" + id + "/sessions?include_participants=true&page[size]=2");
    }
    for (const std::string& id : idsOf(all.at("room_sessions").as_array())) {
        sameAnswer(sim, daemon, "/v2/room_sessions/" + id);
        sameAnswer(sim, daemon, "/v2/room_sessions/" + id + "?include_participants=true");
        sameAnswer(sim, daemon, "/v2/room_sessions/" + id + "/participants");
        sameAnswer(sim, daemon, "/v2/room_sessions/" + id + "/participants?page[size]=2&page[number]=2");
    }
    for (const std::string& id : idsOf(all.at("room_participants").as_array()))
        sameAnswer(sim, daemon, "/v2/room_participants/" + id);
}

TEST_CASE("every filter selects the simulator's records") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    json::value all = sim.control().account();
    struct Listing {
        std::string route;
        std::string records;
        std::vector<std::string> dateFields;
        std::vector<std::string> textFilters;
        bool active;
    };
    std::vector<Listing> listings{
        {"/v2/rooms", "rooms", {"created_at", "updated_at"}, {"unique_name"}, false},
        {"/v2/room_sessions", "room_sessions", {"created_at", "updated_at", "ended_at"}, {"room_id"}, true},
        {"/v2/room_participants",
         "room_participants",
         {"joined_at", "updated_at", "left_at"},
         {"context", "session_id"},
         false},
    };
    for (const Listing& l : listings) {
        const json::value& records = all.at(l.records);
        for (const std::string& field : l.dateFields)
            for (const std::string& date : valuesOf(records, field, true, 3))
                for (const char* op : {"eq", "gte", "lte"})
                    samePages(sim, daemon, l.route + "?filter[date_" + field + "][" + op + "]=" + date, 5);
        for (const std::string& field : l.textFilters) {
            for (const std::string& value : valuesOf(records, field, false, 3)) {
                std::string escaped = boost::urls::encode(value, boost::urls::unreserved_chars);
                sameAnswer(sim, daemon, l.route + "?filter[" + field + "]=" + escaped + "&page[size]=250");
            }
            sameAnswer(sim, daemon, l.route + "?filter[" + field + "]=no-such-value");
        }
        if (l.active)
            for (const char* v : {"true", "false"}) samePages(sim, daemon, l.route + "?filter[active]=" + v, 4);
    }
    // Nested routes with their own filters, and filters combined.
    std::string room(all.at("rooms").at(0).at("id").as_string());
    std::string session(all.at("room_sessions").at(0).at("id").as_string());
    std::string day = valuesOf(all.at("room_sessions"), "created_at", true, 1).at(0);
    sameAnswer(sim, daemon, "/v2/rooms/" + room + "/sessions?filter[active]=false&filter[date_created_at][lte]=" + day);
    sameAnswer(sim, daemon, "/v2/rooms/" + room + "/sessions?filter[room_id]=ignored-here");
    for (const std::string& context : valuesOf(all.at("room_participants"), "context", false, 2))
        sameAnswer(sim, daemon, "/v2/room_sessions/" + session + "/participants?filter[context]=" + context);
    sameAnswer(sim, daemon,
               "/v2/room_sessions?filter[date_created_at][gte]=" + day + "&filter[date_created_at][lte]=" + day +
                   "&filter%5Bactive%5D=false&include_participants=true");
}

TEST_CASE("bad parameters are refused with the simulator's status and error") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    for (const char* target :
         {"/v2/rooms?page[size]=0", "/v2/rooms?page[size]=251", "/v2/rooms?page[size]=x", "/v2/rooms?page[number]=0",
          "/v2/rooms?page[number]=-3", "/v2/room_sessions?page%5Bsize%5D=1000", "/v2/rooms?include_sessions=yes",
          "/v2/room_sessions?include_participants=1", "/v2/rooms/x?include_sessions=maybe",
          "/v2/rooms?filter[date_created_at][eq]=2024-13-01", "/v2/rooms?filter[date_updated_at][gte]=today",
          "/v2/room_sessions?filter[date_ended_at][lte]=2024-02-30", "/v2/room_sessions?filter[active]=yes",
          "/v2/rooms/r/sessions?filter[active]=TRUE",
          "/v2/room_participants?filter[date_left_at][eq]=", "/v2/room_participants?filter[context]=%ZZ",
          "/v2/room_sessions/s/participants?page[size]=300", "/v2/rooms?page[size]=0&filter[date_created_at][eq]=x"}) {
        sameAnswer(sim, daemon, target);
        CHECK(daemon.get(target).header("roomsd-synced-at").empty()); // nothing was read
    }
    // Parameters a route does not take are ignored on both.
    sameAnswer(sim, daemon, "/v2/room_participants/x?page[size]=0");
    sameAnswer(sim, daemon, "/v2/rooms?filter[active]=nonsense&sort=whatever&page[size]=2");
}

TEST_CASE("unknown ids are 404 by id and empty nested lists, as upstream") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    for (const char* target :
         {"/v2/rooms/no-such-room", "/v2/room_sessions/no-such-session", "/v2/room_participants/no-such-participant",
          "/v2/rooms/no%20such", "/v2/rooms/no-such-room/sessions", "/v2/room_sessions/nope/participants?page[size]=5"})
        sameAnswer(sim, daemon, target);
    HttpResponse missing = daemon.get("/v2/rooms/no-such-room");
    json::value body = json::parse(missing.body);
    CHECK(body.at("code") == "10005");
    CHECK(body.at("title") == "Resource not found");
    CHECK_FALSE(missing.header("roomsd-synced-at").empty());
}

TEST_CASE("records with equal or missing timestamps keep the documented order") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    json::value all = sim.control().account();
    std::vector<std::string> rooms = idsOf(all.at("rooms").as_array());
    // Two rooms created at the same instant (order by id), and one without created_at (last).
    std::string same = std::string(all.at("rooms").at(5).at("created_at").as_string());
    SimControl control = sim.control();
    control.mutate({{"op", "update"}, {"stream", "rooms"}, {"id", rooms[9]}, {"set", {{"created_at", same}}}});
    control.mutate({{"op", "update"}, {"stream", "rooms"}, {"id", rooms[2]}, {"set", {{"created_at", nullptr}}}});
    control.mutate(
        {{"op", "create"},
         {"stream", "rooms"},
         {"record",
          {{"id", "00000000-aaaa-0000-0000-000000000000"}, {"unique_name", "new room"}, {"created_at", same}}}});
    std::string before = daemon.lastRoomsRun();
    REQUIRE(daemon.post("/sync", "").status == 202);
    daemon.waitForPassAfter(before);
    for (int size : {1, 4, 250}) samePages(sim, daemon, "/v2/rooms", size);
    json::value page = json::parse(daemon.get("/v2/rooms?page[size]=250").body);
    CHECK(page.at("data").as_array().back().at("id") == rooms[2].c_str());
}

TEST_CASE("records deleted upstream are never served, counted or embedded") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    json::value all = sim.control().account();
    // The room with the most sessions, one of its sessions and one participant of that session.
    json::value rooms = json::parse(daemon.get("/v2/rooms?include_sessions=true&page[size]=250").body);
    std::string room, session;
    std::size_t most = 0;
    for (const auto& r : rooms.at("data").as_array())
        if (r.at("sessions").as_array().size() > most) {
            most = r.at("sessions").as_array().size();
            room = std::string(r.at("id").as_string());
            session = std::string(r.at("sessions").at(0).at("id").as_string());
        }
    REQUIRE(most >= 2);
    json::value participants = json::parse(daemon.get("/v2/room_sessions/" + session + "/participants").body);
    REQUIRE_FALSE(participants.at("data").as_array().empty());
    std::string participant(participants.at("data").at(0).at("id").as_string());
    std::int64_t roomsBefore = json::parse(daemon.get("/v2/rooms").body).at("meta").at("total_results").as_int64();
    std::int64_t sessionsBefore =
        json::parse(daemon.get("/v2/room_sessions").body).at("meta").at("total_results").as_int64();

    {
        // What a reconcile pass does when upstream no longer has a record.
        SQLite::Database db(daemon.database().string(), SQLite::OPEN_READWRITE);
        db.setBusyTimeout(5000);
        db.exec("UPDATE rooms SET deleted_at = '2026-06-02T00:00:00Z' WHERE id = '" + room + "'");
        db.exec("UPDATE room_sessions SET deleted_at = '2026-06-02T00:00:00Z' WHERE id = '" + session + "'");
        db.exec("UPDATE room_participants SET deleted_at = '2026-06-02T00:00:00Z' WHERE id = '" + participant + "'");
    }
    CHECK(daemon.get("/v2/rooms/" + room).status == 404);
    CHECK(daemon.get("/v2/room_sessions/" + session).status == 404);
    CHECK(daemon.get("/v2/room_participants/" + participant).status == 404);
    auto listed = [&](const std::string& target, const std::string& id) {
        HttpResponse response = daemon.get(target);
        INFO(target << " -> " << response.status << " " << response.body.substr(0, 300));
        REQUIRE(response.status == 200);
        json::value body = json::parse(response.body);
        for (const auto& r : body.at("data").as_array())
            if (r.at("id") == id.c_str()) return true;
        return false;
    };
    CHECK_FALSE(listed("/v2/rooms?page[size]=250", room));
    CHECK_FALSE(listed("/v2/room_sessions?page[size]=250", session));
    CHECK_FALSE(listed("/v2/rooms/" + room + "/sessions?page[size]=250", session));
    CHECK_FALSE(listed("/v2/room_sessions/" + session + "/participants?page[size]=250", participant));
    CHECK_FALSE(listed("/v2/room_participants?page[size]=250", participant));
    CHECK(json::parse(daemon.get("/v2/rooms").body).at("meta").at("total_results").as_int64() == roomsBefore - 1);
    CHECK(json::parse(daemon.get("/v2/room_sessions").body).at("meta").at("total_results").as_int64() ==
          sessionsBefore - 1);
    // Nor embedded in any list.
    json::value embedded = json::parse(daemon.get("/v2/room_sessions?include_participants=true&page[size]=250").body);
    for (const auto& s : embedded.at("data").as_array()) {
        CHECK(s.at("id") != session.c_str());
        for (const auto& p : s.at("participants").as_array()) CHECK(p.at("id") != participant.c_str());
    }
    // The SQL views leave them out too.
    HttpResponse sql = daemon.post("/sql", "SELECT count(*) FROM session_stats WHERE session_id = '" + session + "'");
    REQUIRE(sql.status == 200);
    CHECK(json::parse(sql.body).at("rows") == json::parse("[[0]]"));
}
