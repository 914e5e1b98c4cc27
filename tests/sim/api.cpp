#include "api.hpp"

#include <boost/json.hpp>
#include <optional>
#include <variant>
#include <vector>

#include "common/strings.hpp"
#include "query.hpp"

namespace roomsd::sim {
namespace {

namespace json = boost::json;

struct Route {
    Endpoint endpoint;
    std::string id; // the path's {id}, decoded; empty for top-level lists
};

// Matches the path below /v2 to one of the spec's eight GET operations.
std::optional<Route> matchRoute(std::string_view path) {
    constexpr std::string_view kPrefix = "/v2/";
    if (!path.starts_with(kPrefix)) return std::nullopt;
    std::vector<std::string_view> segments = split(path.substr(kPrefix.size()), '/');
    for (std::string_view segment : segments)
        if (segment.empty()) return std::nullopt;
    struct Collection {
        std::string_view name;
        Endpoint list, view;
        std::string_view nested;
        Endpoint nestedList;
    };
    static const Collection kCollections[] = {
        {"rooms", Endpoint::ListRooms, Endpoint::ViewRoom, "sessions", Endpoint::ListSessionsOfRoom},
        {"room_sessions", Endpoint::ListSessions, Endpoint::ViewSession, "participants",
         Endpoint::ListParticipantsOfSession},
        {"room_participants", Endpoint::ListParticipants, Endpoint::ViewParticipant, "", Endpoint::ListParticipants},
    };
    for (const Collection& c : kCollections) {
        if (segments[0] != c.name) continue;
        if (segments.size() == 1) return Route{c.list, {}};
        auto id = percentDecode(segments[1], false);
        if (!id) return std::nullopt;
        if (segments.size() == 2) return Route{c.view, *id};
        if (segments.size() == 3 && !c.nested.empty() && segments[2] == c.nested) return Route{c.nestedList, *id};
        return std::nullopt;
    }
    return std::nullopt;
}

std::string resourceNotFound(std::string_view what, std::string_view id) {
    json::object error;
    error["code"] = "10005";
    error["title"] = "Resource not found";
    error["detail"] = "The " + std::string(what) + " " + std::string(id) + " could not be found.";
    return json::serialize(error);
}

ApiReply viewRecord(const Account& account, const Route& route, const ListQuery& query) {
    Stream stream = streamOf(route.endpoint);
    const Record* record = account.find(stream, route.id);
    if (record == nullptr) {
        std::string what(schemaOf(stream).recordType);
        for (char& c : what)
            if (c == '_') c = ' ';
        return {404, resourceNotFound(what, route.id)};
    }
    json::object body;
    body["data"] = account.render(stream, *record, query.includeChildren);
    return {200, json::serialize(body)};
}

ApiReply listRecords(const Account& account, const Route& route, const ListQuery& query) {
    Stream stream = streamOf(route.endpoint);
    const StreamSchema& schema = schemaOf(stream);
    std::vector<const Record*> candidates;
    if (route.endpoint == Endpoint::ListSessionsOfRoom) {
        candidates = account.childrenOf(Stream::Rooms, route.id);
    } else if (route.endpoint == Endpoint::ListParticipantsOfSession) {
        candidates = account.childrenOf(Stream::Sessions, route.id);
    } else {
        for (const Record& record : account.records(stream)) candidates.push_back(&record);
    }
    std::vector<const Record*> selected;
    for (const Record* record : candidates)
        if (matches(query, schema, *record)) selected.push_back(record);
    PageSlice slice = paginate(selected.size(), query.pageNumber, query.pageSize);
    json::array data;
    for (std::size_t i = slice.offset; i < slice.offset + slice.count; ++i)
        data.push_back(account.render(stream, *selected[i], query.includeChildren));
    json::object meta;
    meta["page_number"] = query.pageNumber;
    meta["page_size"] = query.pageSize;
    meta["total_pages"] = slice.totalPages;
    meta["total_results"] = static_cast<std::int64_t>(selected.size());
    json::object body;
    body["data"] = std::move(data);
    body["meta"] = std::move(meta);
    return {200, json::serialize(body)};
}

} // namespace

std::string errorsBody(std::string_view code, std::string_view title, std::string_view detail,
                       std::string_view parameter) {
    json::object error;
    error["code"] = code;
    error["title"] = title;
    error["detail"] = detail;
    if (!parameter.empty()) error["source"] = json::object{{"parameter", parameter}};
    return json::serialize(json::object{{"errors", json::array{std::move(error)}}});
}

std::string errorsBodyForStatus(unsigned status) {
    switch (status) {
    case 401: return errorsBody("10009", "Authentication failed", "The API key is missing or not valid.");
    case 403: return errorsBody("10010", "Authorization failed", "The API key may not do this.");
    case 404: return errorsBody("10005", "Resource not found", "The requested resource could not be found.");
    case 405: return errorsBody("10405", "Method not allowed", "Only GET is supported here.");
    case 422: return errorsBody("10015", "Invalid parameter", "The request could not be processed.");
    case 429: return errorsBody("10011", "Too many requests", "The rate limit was exceeded; retry later.");
    default: break;
    }
    if (status >= 500)
        return errorsBody("10007", "Unexpected error",
                          "The service failed (simulated status " + std::to_string(status) + ").");
    return errorsBody(std::to_string(status), "Error", "Simulated status " + std::to_string(status) + ".");
}

ApiReply answerApiRequest(const Account& account, std::string_view target) {
    auto question = target.find('?');
    std::string_view path = target.substr(0, question);
    std::string_view queryText = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
    auto route = matchRoute(path);
    if (!route) return {404, errorsBody("10005", "Resource not found", "There is no route " + printableForLog(path))};
    auto parsed = parseQuery(route->endpoint, queryText);
    if (const auto* invalid = std::get_if<InvalidParameter>(&parsed))
        return {422, errorsBody("10015", "Invalid parameter", invalid->detail, invalid->parameter)};
    const ListQuery& query = std::get<ListQuery>(parsed);
    switch (route->endpoint) {
    case Endpoint::ViewRoom:
    case Endpoint::ViewSession:
    case Endpoint::ViewParticipant: return viewRecord(account, *route, query);
    default: return listRecords(account, *route, query);
    }
}

} // namespace roomsd::sim
