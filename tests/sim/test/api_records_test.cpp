// What the /v2 routes return: records that conform to the spec, the same record
// on every route, in the documented order, with children embedded on request.
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>

#include "sim_client.hpp"
#include "support/spec.hpp"

using namespace roomsd;
using namespace roomsd::simtest;

namespace {

const std::vector<std::pair<std::string, std::string>> kStreams = {
    {"rooms", "Room"}, {"room_sessions", "RoomSession"}, {"room_participants", "RoomParticipant"}};

void requireConforms(const std::string& schema, const json::value& record) {
    std::vector<std::string> problems = test::checkAgainstSchema(schema, record);
    INFO(json::serialize(record));
    for (const auto& p : problems) INFO(p);
    CHECK(problems.empty());
    json::value example = test::specExample(schema);
    for (const auto& key : example.as_object()) {
        INFO("key " << key.key());
        CHECK(record.as_object().contains(key.key()));
    }
}

// created_at (or joined_at) descending, nulls last, then id ascending: checked here on the wire text.
void requireDocumentedOrder(const json::array& records, const std::string& orderField) {
    for (std::size_t i = 1; i < records.size(); ++i) {
        const json::value& a = records[i - 1].at(orderField);
        const json::value& b = records[i].at(orderField);
        std::string idA(records[i - 1].at("id").as_string()), idB(records[i].at("id").as_string());
        if (a.is_null()) {
            CHECK(b.is_null());
            if (b.is_null()) CHECK(idA < idB);
            continue;
        }
        if (b.is_null()) continue;
        // Same format and precision everywhere, so the text orders like the instant.
        std::string ta(a.as_string()), tb(b.as_string());
        CHECK((ta > tb || (ta == tb && idA < idB)));
    }
}

} // namespace

TEST_CASE("every record on every route conforms to the spec and has every key of its example") {
    test::SimProcess sim;
    json::array rooms = listAll(sim, "/rooms", "include_sessions=true&");
    json::array sessions = listAll(sim, "/room_sessions", "include_participants=true&");
    json::array participants = listAll(sim, "/room_participants");
    REQUIRE(rooms.size() == 20);
    REQUIRE(sessions.size() > 10);
    REQUIRE(participants.size() > sessions.size());
    for (const auto& r : rooms) requireConforms("Room", r);
    for (const auto& s : sessions) requireConforms("RoomSession", s);
    for (const auto& p : participants) requireConforms("RoomParticipant", p);
    requireConforms("Room", apiJson(sim, "/rooms/" + std::string(rooms[0].at("id").as_string())).at("data"));
    requireConforms("RoomSession",
                    apiJson(sim, "/room_sessions/" + std::string(sessions[0].at("id").as_string())).at("data"));
    requireConforms("RoomParticipant",
                    apiJson(sim, "/room_participants/" + std::string(participants[0].at("id").as_string())).at("data"));
}

TEST_CASE("timestamps are written like the spec's examples: six fraction digits and Z") {
    test::SimProcess sim;
    json::object all = sim.control().account();
    std::regex format(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)");
    int checked = 0;
    for (const auto& [stream, schema] : kStreams)
        for (const auto& record : all.at(stream).as_array())
            for (const auto& field : record.as_object())
                if (field.key().ends_with("_at") && !field.value().is_null()) {
                    CHECK(std::regex_match(std::string(field.value().as_string()), format));
                    ++checked;
                }
    CHECK(checked > 100);
}

TEST_CASE("each record's by-id answer is its /_sim/account entry") {
    test::SimProcess sim({"--rooms", "8", "--seed", "3"});
    json::object all = sim.control().account();
    for (const auto& [stream, schema] : kStreams) {
        REQUIRE_FALSE(all.at(stream).as_array().empty());
        for (const auto& record : all.at(stream).as_array()) {
            json::value byId = apiJson(sim, "/" + stream + "/" + std::string(record.at("id").as_string()));
            CHECK(byId.as_object().size() == 1);
            CHECK(byId.at("data") == record);
        }
    }
}

TEST_CASE("the top-level lists hold exactly the account, in the documented order") {
    test::SimProcess sim;
    json::object all = sim.control().account();
    CHECK(listAll(sim, "/rooms") == all.at("rooms").as_array());
    CHECK(listAll(sim, "/room_sessions") == all.at("room_sessions").as_array());
    CHECK(listAll(sim, "/room_participants") == all.at("room_participants").as_array());
    requireDocumentedOrder(all.at("rooms").as_array(), "created_at");
    requireDocumentedOrder(all.at("room_sessions").as_array(), "created_at");
    requireDocumentedOrder(all.at("room_participants").as_array(), "joined_at");
}

TEST_CASE("the documented order puts null timestamps last and breaks ties by id") {
    test::SimProcess sim({"--rooms", "3", "--seed", "1"});
    auto create = [&](const std::string& record) {
        sim.control().mutate({{"op", "create"}, {"stream", "rooms"}, {"record", parseJson(record)}});
    };
    create(R"({"id":"zz-null","created_at":null})");
    create(R"({"id":"aa-null","created_at":null})");
    create(R"({"id":"tie-b","created_at":"2030-01-01T00:00:00Z"})");
    create(R"({"id":"tie-a","created_at":"2030-01-01T00:00:00Z"})");
    std::vector<std::string> ids = idsOf(listAll(sim, "/rooms"));
    REQUIRE(ids.size() == 7);
    CHECK(ids[0] == "tie-a");
    CHECK(ids[1] == "tie-b");
    CHECK(ids[5] == "aa-null");
    CHECK(ids[6] == "zz-null");
}

TEST_CASE("nested lists hold their parent's children - an unknown parent gives an empty page") {
    test::SimProcess sim({"--rooms", "10", "--seed", "5"});
    json::object all = sim.control().account();
    int roomsWithSessions = 0;
    for (const auto& room : all.at("rooms").as_array()) {
        json::array expected;
        for (const auto& s : all.at("room_sessions").as_array())
            if (s.at("room_id") == room.at("id")) expected.push_back(s);
        roomsWithSessions += expected.empty() ? 0 : 1;
        CHECK(listAll(sim, "/rooms/" + std::string(room.at("id").as_string()) + "/sessions", "", 2) == expected);
    }
    CHECK(roomsWithSessions > 0);
    for (const auto& session : all.at("room_sessions").as_array()) {
        json::array expected;
        for (const auto& p : all.at("room_participants").as_array())
            if (p.at("session_id") == session.at("id")) expected.push_back(p);
        REQUIRE_FALSE(expected.empty());
        CHECK(listAll(sim, "/room_sessions/" + std::string(session.at("id").as_string()) + "/participants") ==
              expected);
    }
    for (const char* path : {"/rooms/00000000-0000-4000-8000-000000000000/sessions",
                             "/room_sessions/00000000-0000-4000-8000-000000000000/participants"}) {
        json::value body = apiJson(sim, path);
        CHECK(body.at("data").as_array().empty());
        CHECK(body.at("meta") == json::parse(R"({"page_number":1,"page_size":20,"total_pages":0,"total_results":0})"));
    }
}

TEST_CASE("include_sessions and include_participants embed the children, else []") {
    test::SimProcess sim({"--rooms", "10", "--seed", "5"});
    json::object all = sim.control().account();
    std::map<std::string, json::array> sessionsOf, participantsOf;
    for (const auto& s : all.at("room_sessions").as_array())
        sessionsOf[std::string(s.at("room_id").as_string())].push_back(s);
    for (const auto& p : all.at("room_participants").as_array())
        participantsOf[std::string(p.at("session_id").as_string())].push_back(p);

    for (const auto& room : listAll(sim, "/rooms", "include_sessions=true&")) {
        const json::array& embedded = room.at("sessions").as_array();
        CHECK(embedded == sessionsOf[std::string(room.at("id").as_string())]); // each with "participants": []
    }
    for (const auto& room : listAll(sim, "/rooms", "include_sessions=false&"))
        CHECK(room.at("sessions").as_array().empty());
    for (const auto& session : listAll(sim, "/room_sessions", "include_participants=true&"))
        CHECK(session.at("participants").as_array() == participantsOf[std::string(session.at("id").as_string())]);
    for (const auto& session : listAll(sim, "/room_sessions")) CHECK(session.at("participants").as_array().empty());

    const json::value& session = all.at("room_sessions").at(0);
    std::string sessionId(session.at("id").as_string());
    std::string roomId(session.at("room_id").as_string());
    CHECK(apiJson(sim, "/room_sessions/" + sessionId + "?include_participants=true").at("data").at("participants") ==
          participantsOf[sessionId]);
    CHECK(apiJson(sim, "/rooms/" + roomId + "?include_sessions=true").at("data").at("sessions") == sessionsOf[roomId]);
    CHECK(apiJson(sim, "/rooms/" + roomId).at("data").at("sessions").as_array().empty());
    json::array nested = listAll(sim, "/rooms/" + roomId + "/sessions", "include_participants=true&");
    REQUIRE_FALSE(nested.empty());
    for (const auto& s : nested)
        CHECK(s.at("participants").as_array() == participantsOf[std::string(s.at("id").as_string())]);
}

TEST_CASE("about 30% of rooms have an active session, named by active_session_id") {
    test::SimProcess sim({"--rooms", "200", "--seed", "9"});
    json::object all = sim.control().account();
    std::map<std::string, const json::value*> sessionById;
    for (const auto& s : all.at("room_sessions").as_array()) sessionById[std::string(s.at("id").as_string())] = &s;
    int active = 0;
    for (const auto& room : all.at("rooms").as_array()) {
        if (room.at("active_session_id").is_null()) continue;
        ++active;
        const json::value* session = sessionById[std::string(room.at("active_session_id").as_string())];
        REQUIRE(session != nullptr);
        CHECK(session->at("active") == true);
        CHECK(session->at("ended_at").is_null());
        CHECK(session->at("room_id") == room.at("id"));
    }
    CHECK(active > 30);
    CHECK(active < 90);
    std::size_t activeSessions = 0;
    for (const auto& s : all.at("room_sessions").as_array()) activeSessions += s.at("active").as_bool() ? 1 : 0;
    CHECK(activeSessions == static_cast<std::size_t>(active));
}

TEST_CASE("participant contexts reach the client intact: non-ASCII and JSON-special characters") {
    test::SimProcess sim({"--rooms", "40", "--seed", "2"});
    std::set<std::string> contexts;
    for (const auto& p : listAll(sim, "/room_participants")) contexts.emplace(p.at("context").as_string());
    CHECK(contexts.count("Zo\xC3\xAB") == 1);
    CHECK(contexts.count("Dr. \"Q\" O'Neil") == 1);
    CHECK(contexts.count("back\\slash") == 1);
}
