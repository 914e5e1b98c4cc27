// Route matching for the query API.
// Thread-safety: pure functions.
#include "api/routes.hpp"

#include <vector>

#include "common/strings.hpp"

namespace roomsd::api {

RouteMatch matchRoute(std::string_view path) {
    if (path == "/sql") return {Route::Sql, {}};
    if (path == "/status") return {Route::Status, {}};
    if (path == "/metrics") return {Route::Metrics, {}};
    if (path == "/sync") return {Route::Sync, {}};
    if (path == "/reports") return {Route::Reports, {}};
    if (path.starts_with("/reports/")) {
        auto name = percentDecode(path.substr(9), false);
        if (!name || name->empty() || name->find('/') != std::string::npos) return {};
        return {Route::Report, *name};
    }
    constexpr std::string_view kPrefix = "/v2/";
    if (!path.starts_with(kPrefix)) return {};
    std::vector<std::string_view> segments = split(path.substr(kPrefix.size()), '/');
    for (std::string_view segment : segments)
        if (segment.empty()) return {};
    struct Collection {
        std::string_view name;
        Route list, view;
        std::string_view nested;
        Route nestedList;
    };
    static constexpr Collection kCollections[] = {
        {"rooms", Route::ListRooms, Route::ViewRoom, "sessions", Route::ListSessionsOfRoom},
        {"room_sessions", Route::ListSessions, Route::ViewSession, "participants", Route::ListParticipantsOfSession},
        {"room_participants", Route::ListParticipants, Route::ViewParticipant, "", Route::Unknown},
    };
    for (const Collection& c : kCollections) {
        if (segments[0] != c.name) continue;
        if (segments.size() == 1) return {c.list, {}};
        auto id = percentDecode(segments[1], false);
        if (!id) return {};
        if (segments.size() == 2) return {c.view, *id};
        if (segments.size() == 3 && !c.nested.empty() && segments[2] == c.nested) return {c.nestedList, *id};
        return {};
    }
    return {};
}

std::string_view routeLabel(Route route) {
    switch (route) {
    case Route::ListRooms: return "/v2/rooms";
    case Route::ViewRoom: return "/v2/rooms/{id}";
    case Route::ListSessionsOfRoom: return "/v2/rooms/{id}/sessions";
    case Route::ListSessions: return "/v2/room_sessions";
    case Route::ViewSession: return "/v2/room_sessions/{id}";
    case Route::ListParticipantsOfSession: return "/v2/room_sessions/{id}/participants";
    case Route::ListParticipants: return "/v2/room_participants";
    case Route::ViewParticipant: return "/v2/room_participants/{id}";
    case Route::Sql: return "/sql";
    case Route::Status: return "/status";
    case Route::Metrics: return "/metrics";
    case Route::Sync: return "/sync";
    case Route::Reports: return "/reports";
    case Route::Report: return "/reports/{name}";
    case Route::Unknown: break;
    }
    return "other";
}

std::string_view allowedMethods(Route route) {
    switch (route) {
    case Route::Sql:
    case Route::Sync: return "POST";
    case Route::Unknown: return "";
    default: return "GET, HEAD";
    }
}

bool isTelnyxRoute(Route route) {
    switch (route) {
    case Route::Sql:
    case Route::Status:
    case Route::Metrics:
    case Route::Sync:
    case Route::Reports:
    case Route::Report:
    case Route::Unknown: return false;
    default: return true;
    }
}

bool isByIdRoute(Route route) {
    return route == Route::ViewRoom || route == Route::ViewSession || route == Route::ViewParticipant;
}

} // namespace roomsd::api
