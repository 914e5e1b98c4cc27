#include "consistency.hpp"

#include <boost/json.hpp>
#include <map>
#include <optional>

namespace roomsd::simtest {
namespace {

namespace json = boost::json;

std::optional<Timestamp> when(const json::value& record, std::string_view field) {
    const json::value& v = record.at(field);
    if (v.is_null()) return std::nullopt;
    return parseTimestamp(v.as_string());
}

std::string text(const json::value& record, std::string_view field) {
    const json::value& v = record.at(field);
    return v.is_string() ? std::string(v.as_string()) : std::string();
}

} // namespace

std::vector<std::string> inconsistencies(const json::object& account, Timestamp clock) {
    std::vector<std::string> problems;
    auto problem = [&](const json::value& record, const std::string& what) {
        problems.push_back(text(record, "id") + ": " + what);
    };
    std::map<std::string, const json::value*> rooms, sessions;
    for (const json::value& r : account.at("rooms").as_array())
        if (!rooms.emplace(text(r, "id"), &r).second) problem(r, "a second room with this id");
    for (const json::value& s : account.at("room_sessions").as_array())
        if (!sessions.emplace(text(s, "id"), &s).second) problem(s, "a second session with this id");

    auto notLater = [&](const json::value& record, std::string_view early, std::string_view late) {
        auto a = when(record, early), b = when(record, late);
        if (a && b && *b < *a) problem(record, std::string(late) + " before " + std::string(early));
        for (auto t : {a, b})
            if (t && clock < *t) problem(record, "a timestamp later than the clock");
    };
    for (const auto& [id, room] : rooms) {
        notLater(*room, "created_at", "updated_at");
        std::string active = text(*room, "active_session_id");
        if (active.empty()) continue;
        auto it = sessions.find(active);
        if (it == sessions.end())
            problem(*room, "active_session_id names no session");
        else if (text(*it->second, "room_id") != id || !it->second->at("active").as_bool())
            problem(*room, "active_session_id names a session that is not its active one");
    }
    for (const auto& [id, session] : sessions) {
        notLater(*session, "created_at", "updated_at");
        notLater(*session, "created_at", "ended_at");
        bool active = session->at("active").as_bool();
        if (active == when(*session, "ended_at").has_value()) problem(*session, "active and ended_at disagree");
        auto room = rooms.find(text(*session, "room_id"));
        if (active && room != rooms.end() && text(*room->second, "active_session_id") != id)
            problem(*session, "active, but its room's active_session_id does not name it");
    }
    for (const json::value& p : account.at("room_participants").as_array()) {
        notLater(p, "joined_at", "updated_at");
        notLater(p, "joined_at", "left_at");
        auto session = sessions.find(text(p, "session_id"));
        if (session == sessions.end()) continue;
        auto started = when(*session->second, "created_at");
        auto joined = when(p, "joined_at");
        if (started && joined && *joined < *started) problem(p, "joined before its session started");
        if (!when(p, "left_at") && !session->second->at("active").as_bool())
            problem(p, "has not left a session that ended");
    }
    return problems;
}

} // namespace roomsd::simtest
