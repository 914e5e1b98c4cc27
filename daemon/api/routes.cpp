// Route matching for the query API.
// Thread-safety: pure functions.
#include "api/routes.hpp"

#include <vector>

#include "api/query_string.hpp"
#include "common/strings.hpp"

namespace roomsd::api {

namespace {

// The /v2 routes by name, for handlers and metrics; their paths and parameters are the model's.
struct NamedRoute {
    Route route;
    model::RouteKind kind;
    model::Stream stream; // the records answered
};
constexpr NamedRoute kNamed[] = {
    {Route::ListRooms, model::RouteKind::List, model::Stream::Rooms},
    {Route::ViewRoom, model::RouteKind::ById, model::Stream::Rooms},
    {Route::ListSessionsOfRoom, model::RouteKind::Nested, model::Stream::Sessions},
    {Route::ListSessions, model::RouteKind::List, model::Stream::Sessions},
    {Route::ViewSession, model::RouteKind::ById, model::Stream::Sessions},
    {Route::ListParticipantsOfSession, model::RouteKind::Nested, model::Stream::Participants},
    {Route::ListParticipants, model::RouteKind::List, model::Stream::Participants},
    {Route::ViewParticipant, model::RouteKind::ById, model::Stream::Participants},
};

Route routeNamed(const model::TelnyxRoute& telnyx) {
    for (const NamedRoute& n : kNamed)
        if (n.kind == telnyx.kind && n.stream == telnyx.schema->stream) return n.route;
    return Route::Unknown;
}

// The pattern's segments, "{...}" standing for any id: "rooms", "{room_id}", "sessions".
std::vector<std::string> segmentsOf(const std::string& pattern) {
    std::vector<std::string> out;
    for (std::string_view s : split(std::string_view(pattern).substr(1), '/')) out.emplace_back(s);
    return out;
}

bool isPlaceholder(const std::string& segment) { return segment.starts_with('{'); }

} // namespace

const model::TelnyxRoute* telnyxRouteOf(Route route) {
    for (const model::TelnyxRoute& telnyx : model::telnyxRoutes())
        if (routeNamed(telnyx) == route) return &telnyx;
    return nullptr;
}

RouteMatch matchRoute(std::string_view path) {
    if (path == "/sql") return {Route::Sql, {}};
    if (path == "/status") return {Route::Status, {}};
    if (path == "/metrics") return {Route::Metrics, {}};
    if (path == "/sync") return {Route::Sync, {}};
    if (path == "/reports") return {Route::Reports, {}};
    if (path.starts_with("/reports/")) {
        auto name = decodePathSegment(path.substr(9));
        if (!name || name->empty() || name->find('/') != std::string::npos) return {};
        return {Route::Report, *name};
    }
    if (path == "/changes") return {Route::Changes, {}};
    if (path == "/changes/stream") return {Route::ChangesStream, {}};
    if (path == "/changes/snapshot") return {Route::ChangesSnapshot, {}};
    if (path == "/changes/consumers") return {Route::ChangeConsumers, {}};
    if (path.starts_with("/changes/consumers/")) {
        std::string_view rest = path.substr(19);
        Route route = Route::ChangeConsumer;
        if (rest.ends_with("/ack")) {
            rest.remove_suffix(4);
            route = Route::ChangeConsumerAck;
        }
        auto name = decodePathSegment(rest);
        if (!name || name->empty() || name->find('/') != std::string::npos) return {};
        return {route, *name};
    }
    constexpr std::string_view kPrefix = "/v2/";
    if (!path.starts_with(kPrefix)) return {};
    std::vector<std::string_view> segments = split(path.substr(kPrefix.size()), '/');
    for (std::string_view segment : segments)
        if (segment.empty()) return {};
    for (const model::TelnyxRoute& telnyx : model::telnyxRoutes()) {
        std::vector<std::string> pattern = segmentsOf(telnyx.pattern());
        if (pattern.size() != segments.size()) continue;
        RouteMatch match{routeNamed(telnyx), {}};
        bool matched = true;
        for (std::size_t i = 0; i < pattern.size() && matched; ++i) {
            if (!isPlaceholder(pattern[i])) {
                matched = pattern[i] == segments[i];
                continue;
            }
            auto id = decodePathSegment(segments[i]);
            if (!id) return {};
            match.id = *id;
        }
        if (matched) return match;
    }
    return {};
}

std::string_view routeLabel(Route route) {
    static const std::vector<std::pair<Route, std::string>> kLabels = [] {
        std::vector<std::pair<Route, std::string>> labels;
        for (const model::TelnyxRoute& telnyx : model::telnyxRoutes()) {
            std::string label = "/v2";
            for (const std::string& segment : segmentsOf(telnyx.pattern()))
                label += "/" + (isPlaceholder(segment) ? std::string("{id}") : segment);
            labels.emplace_back(routeNamed(telnyx), std::move(label));
        }
        return labels;
    }();
    for (const auto& [r, label] : kLabels)
        if (r == route) return label;
    switch (route) {
    case Route::Sql: return "/sql";
    case Route::Status: return "/status";
    case Route::Metrics: return "/metrics";
    case Route::Sync: return "/sync";
    case Route::Reports: return "/reports";
    case Route::Report: return "/reports/{name}";
    case Route::Changes: return "/changes";
    case Route::ChangesStream: return "/changes/stream";
    case Route::ChangesSnapshot: return "/changes/snapshot";
    case Route::ChangeConsumers: return "/changes/consumers";
    case Route::ChangeConsumer: return "/changes/consumers/{name}";
    case Route::ChangeConsumerAck: return "/changes/consumers/{name}/ack";
    default: break;
    }
    return "other";
}

std::string_view allowedMethods(Route route) {
    switch (route) {
    case Route::Sql:
    case Route::Sync:
    case Route::ChangeConsumerAck: return "POST";
    case Route::ChangeConsumer: return "PUT, DELETE";
    case Route::ChangesStream:
    case Route::ChangesSnapshot: return "GET"; // streamed: a HEAD would get the body too
    case Route::Unknown: return "";
    default: return "GET, HEAD";
    }
}

bool allowsMethod(Route route, std::string_view method) {
    std::string_view allow = allowedMethods(route);
    for (std::string_view m : split(allow, ','))
        if (trim(m) == method) return true;
    return false;
}

bool isTelnyxRoute(Route route) { return telnyxRouteOf(route) != nullptr; }

bool isByIdRoute(Route route) {
    const model::TelnyxRoute* telnyx = telnyxRouteOf(route);
    return telnyx != nullptr && telnyx->kind == model::RouteKind::ById;
}

} // namespace roomsd::api
