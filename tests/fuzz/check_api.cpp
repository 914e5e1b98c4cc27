// Contract checks of the query API's request parsing: /v2 query strings
// (api/telnyx_query.hpp) and POST /sql bodies and Accept headers (api/sql_request.hpp).
#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

#include "api/routes.hpp"
#include "api/sql_request.hpp"
#include "api/telnyx_query.hpp"
#include "fuzz/check_support.hpp"
#include "fuzz/targets.hpp"

namespace json = boost::json;

namespace roomsd::fuzz {
namespace {

struct RouteCase {
    api::Route route;
    const model::RecordSchema& (*schema)();
    bool paged;
    bool nested;
};

constexpr std::array<RouteCase, 8> kRoutes{{
    {api::Route::ListRooms, model::roomsSchema, true, false},
    {api::Route::ViewRoom, model::roomsSchema, false, false},
    {api::Route::ListSessionsOfRoom, model::sessionsSchema, true, true},
    {api::Route::ListSessions, model::sessionsSchema, true, false},
    {api::Route::ViewSession, model::sessionsSchema, false, false},
    {api::Route::ListParticipantsOfSession, model::participantsSchema, true, true},
    {api::Route::ListParticipants, model::participantsSchema, true, false},
    {api::Route::ViewParticipant, model::participantsSchema, false, false},
}};

using QueryOutcome = Result<store::ListRequest>;

QueryOutcome parse(const RouteCase& route, const std::string& id, std::string_view query) {
    return api::parseTelnyxQuery(*api::telnyxRouteOf(route.route), id, query);
}

Violation checkQueryOutcome(const RouteCase& route, const std::string& id, const QueryOutcome& outcome) {
    std::string call = "parseTelnyxQuery(" + std::string(api::routeLabel(route.route)) + ")";
    if (!outcome) {
        // 422 with the parameter named, in the spec's own names.
        const std::string& p = outcome.error().parameter;
        if (!p.starts_with("page[") && !p.starts_with("filter[") && !p.starts_with("include_"))
            return broken(call, "refused a parameter it does not name: " + excerpt(p));
        if (outcome.error().message.find(p) == std::string::npos)
            return broken(call, "a detail that does not name " + p);
        return std::nullopt;
    }
    const store::ListRequest& request = outcome.value();
    const model::RecordSchema& schema = route.schema();
    if (request.schema != &schema) return broken(call, "reads the wrong records");
    if (request.pageSize < schema.page.minSize || request.pageSize > schema.page.maxSize)
        return broken(call, "page size out of range");
    if (request.pageNumber < 1) return broken(call, "page number below 1");
    if (route.nested ? request.parentId != id : request.parentId.has_value())
        return broken(call, "the parent id is not the path's id");
    for (const store::DateRange& range : request.dates) {
        int field = model::fieldIndex(schema, range.field);
        if (field < 0 || schema.fields[static_cast<std::size_t>(field)].type != model::FieldType::Timestamp)
            return broken(call, "a date filter on " + std::string(range.field));
        if (!range.eq && !range.gte && !range.lte) return broken(call, "an empty date filter");
        for (const auto& date : {range.eq, range.gte, range.lte})
            if (date && !date->ok()) return broken(call, "an invalid date");
    }
    for (const store::FieldMatch& match : request.matches)
        if (model::fieldIndex(schema, match.field) < 0) return broken(call, "a filter on " + std::string(match.field));
    return std::nullopt;
}

bool containsLower(std::string_view text, std::string_view needle) {
    std::string lower(text);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower.find(needle) != std::string::npos;
}

} // namespace

Violation checkTelnyxQuery(std::string_view input) {
    auto [selector, rest] = splitSelector(input);
    const RouteCase& route = kRoutes[selector % kRoutes.size()];
    std::size_t mark = rest.find('?');
    std::string id(rest.substr(0, mark));
    std::string_view query = mark == std::string_view::npos ? std::string_view() : rest.substr(mark + 1);
    return guarded("parseTelnyxQuery", [&]() -> Violation {
        QueryOutcome outcome = parse(route, id, query);
        if (auto bad = checkQueryOutcome(route, id, outcome)) return bad;
        if (!route.paged || !outcome) return std::nullopt;
        // The last occurrence of a name wins, and page[size] is checked first.
        std::string resized = std::string(query) + "&page%5Bsize%5D=7";
        QueryOutcome again = parse(route, id, resized);
        if (!again || again->pageSize != 7)
            return broken("parseTelnyxQuery", "a valid query with page[size]=7 appended does not take it");
        QueryOutcome refused = parse(route, id, std::string(query) + "&page[size]=0");
        if (refused || refused.error().parameter != "page[size]")
            return broken("parseTelnyxQuery", "page[size]=0 appended to a valid query is not refused");
        return std::nullopt;
    });
}

Violation checkSqlRequest(std::string_view input) {
    auto [selector, rest] = splitSelector(input);
    std::string_view contentType, body = rest;
    switch (selector % 4) {
    case 0: contentType = "application/json"; break;
    case 1: contentType = "text/plain"; break;
    case 2: contentType = ""; break;
    default: {
        std::size_t line = rest.find('\n');
        contentType = rest.substr(0, line);
        body = line == std::string_view::npos ? std::string_view() : rest.substr(line + 1);
    }
    }
    return guarded("parseSqlRequest", [&]() -> Violation {
        bool isJson = api::isJsonContentType(contentType);
        auto outcome = api::parseSqlRequest(contentType, std::string(body));
        if (!outcome) {
            if (!isJson) return broken("parseSqlRequest", "refused a body that is not JSON");
            if (outcome.error().message.empty()) return broken("parseSqlRequest", "refused without saying why");
            return std::nullopt;
        }
        const api::SqlRequest& request = outcome.value();
        if (!isJson) {
            // Any other body is the SQL text itself, byte for byte.
            if (request.sql != body || !request.params.empty())
                return broken("parseSqlRequest", "a plain body is not taken as the statement");
            return std::nullopt;
        }
        json::error_code ec;
        json::value parsed = json::parse(body, ec);
        if (ec || !parsed.is_object()) return broken("parseSqlRequest", "accepted a JSON body that is not an object");
        const json::value* sql = parsed.get_object().if_contains("sql");
        if (sql == nullptr || !sql->is_string() || sql->get_string() != request.sql)
            return broken("parseSqlRequest", "the statement is not the body's \"sql\"");
        const json::value* params = parsed.get_object().if_contains("params");
        std::size_t count = params != nullptr && params->is_array() ? params->get_array().size() : 0;
        if (request.params.size() != count) return broken("parseSqlRequest", "lost or invented parameters");
        return std::nullopt;
    });
}

Violation checkSqlAccept(std::string_view input) {
    return guarded("negotiateSqlFormat", [&]() -> Violation {
        api::SqlFormat format = api::negotiateSqlFormat(input);
        if (format == api::SqlFormat::Csv && !containsLower(input, "text/csv"))
            return broken("negotiateSqlFormat", "CSV for a client that did not ask for text/csv");
        if (api::isJsonContentType(input) && !containsLower(input, "application/json"))
            return broken("isJsonContentType", "JSON for a type that does not name application/json");
        return std::nullopt;
    });
}

} // namespace roomsd::fuzz
