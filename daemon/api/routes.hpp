// The query API's routes: which operation a request path names, the methods
// it takes, and the bounded label /metrics counts it under.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "model/records.hpp"

namespace roomsd::api {

enum class Route {
    ListRooms,                 // GET /v2/rooms
    ViewRoom,                  // GET /v2/rooms/{room_id}
    ListSessionsOfRoom,        // GET /v2/rooms/{room_id}/sessions
    ListSessions,              // GET /v2/room_sessions
    ViewSession,               // GET /v2/room_sessions/{room_session_id}
    ListParticipantsOfSession, // GET /v2/room_sessions/{room_session_id}/participants
    ListParticipants,          // GET /v2/room_participants
    ViewParticipant,           // GET /v2/room_participants/{room_participant_id}
    Sql,                       // POST /sql
    Status,                    // GET /status
    Metrics,                   // GET /metrics
    Sync,                      // POST /sync
    Reports,                   // GET /reports
    Report,                    // GET /reports/{name}
    Changes,                   // GET /changes
    ChangesStream,             // GET /changes/stream
    ChangesSnapshot,           // GET /changes/snapshot
    ChangeConsumers,           // GET /changes/consumers
    ChangeConsumer,            // PUT, DELETE /changes/consumers/{name}
    ChangeConsumerAck,         // POST /changes/consumers/{name}/ack
    Unknown,
};

struct RouteMatch {
    Route route = Route::Unknown;
    std::string id; // the path's {id}, percent-decoded; empty when the route has none
};

// Matches a request path (no query string). Empty segments and ids that do not
// percent-decode match nothing. The /v2 paths are model's telnyxRoutes().
RouteMatch matchRoute(std::string_view path);

// The Telnyx route of a /v2 Route, or nullptr for the others.
const model::TelnyxRoute* telnyxRouteOf(Route route);

// The route pattern, for metrics labels and logs: "/v2/rooms/{id}"; "other" for Unknown.
std::string_view routeLabel(Route route);

// The methods a route takes, as an Allow header: "GET, HEAD", "POST" or "PUT, DELETE".
std::string_view allowedMethods(Route route);

// Whether `method` is one of allowedMethods(route).
bool allowsMethod(Route route, std::string_view method);

// True for the eight Telnyx-compatible routes under /v2.
bool isTelnyxRoute(Route route);

// True for the /v2 routes that answer one record by id.
bool isByIdRoute(Route route);

} // namespace roomsd::api
