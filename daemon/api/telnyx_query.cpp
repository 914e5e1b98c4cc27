// Parameter validation of the Telnyx-compatible routes.
// Thread-safety: pure functions.
#include "api/telnyx_query.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "common/strings.hpp"

namespace roomsd::api {
namespace {

// What the spec lets each route take.
struct RouteParameters {
    const model::RecordSchema* schema = nullptr;
    bool paged = false;
    bool nested = false; // the path id is the parent of the listed records
    std::vector<std::string_view> dateFields;
    std::vector<std::string_view> textFilters;
    bool activeFilter = false;
};

RouteParameters parametersOf(Route route) {
    const model::RecordSchema* rooms = &model::roomsSchema();
    const model::RecordSchema* sessions = &model::sessionsSchema();
    const model::RecordSchema* participants = &model::participantsSchema();
    switch (route) {
    case Route::ListRooms: return {rooms, true, false, {"created_at", "updated_at"}, {"unique_name"}, false};
    case Route::ViewRoom: return {rooms, false, false, {}, {}, false};
    case Route::ListSessionsOfRoom: return {sessions, true, true, {"created_at", "updated_at", "ended_at"}, {}, true};
    case Route::ListSessions:
        return {sessions, true, false, {"created_at", "updated_at", "ended_at"}, {"room_id"}, true};
    case Route::ViewSession: return {sessions, false, false, {}, {}, false};
    case Route::ListParticipantsOfSession:
        return {participants, true, true, {"joined_at", "updated_at", "left_at"}, {"context"}, false};
    case Route::ListParticipants:
        return {participants, true, false, {"joined_at", "updated_at", "left_at"}, {"context", "session_id"}, false};
    case Route::ViewParticipant: return {participants, false, false, {}, {}, false};
    default: return {};
    }
}

using Parameters = QueryParameters;

std::optional<InvalidParameter> readBoolean(const std::string& name, const std::optional<std::string>& text,
                                            bool& out) {
    if (text && *text == "true")
        out = true;
    else if (text && *text == "false")
        out = false;
    else
        return InvalidParameter{name, name + " must be true or false"};
    return std::nullopt;
}

std::optional<InvalidParameter> readInteger(const std::string& name, const std::optional<std::string>& text,
                                            std::int64_t low, std::int64_t high, std::int64_t& out) {
    auto value = text ? parseInteger(*text) : std::nullopt;
    if (!value || *value < low || *value > high) {
        std::string range = high == INT64_MAX ? " >= " + std::to_string(low)
                                              : " between " + std::to_string(low) + " and " + std::to_string(high);
        return InvalidParameter{name, name + " must be an integer" + range};
    }
    out = *value;
    return std::nullopt;
}

} // namespace

std::variant<store::ListRequest, InvalidParameter> parseTelnyxQuery(Route route, const std::string& id,
                                                                    std::string_view query) {
    RouteParameters accepted = parametersOf(route);
    store::ListRequest out;
    out.schema = accepted.schema;
    out.pageSize = kDefaultPageSize;
    if (accepted.nested) out.parentId = id;
    if (accepted.schema == nullptr) return InvalidParameter{"", "not a Telnyx route"};
    Parameters parameters = parseQueryString(query);
    auto find = [&](const std::string& name) -> const std::optional<std::string>* {
        auto it = parameters.find(name);
        return it == parameters.end() ? nullptr : &it->second;
    };
    if (accepted.paged) {
        if (const auto* size = find("page[size]"))
            if (auto bad = readInteger("page[size]", *size, 1, kMaxPageSize, out.pageSize)) return *bad;
        if (const auto* number = find("page[number]"))
            if (auto bad = readInteger("page[number]", *number, 1, INT64_MAX, out.pageNumber)) return *bad;
    }
    std::string include(accepted.schema->includeChildParam);
    if (!include.empty())
        if (const auto* flag = find(include))
            if (auto bad = readBoolean(include, *flag, out.includeChildren)) return *bad;
    for (std::string_view field : accepted.dateFields) {
        store::DateRange range{field, {}, {}, {}};
        bool any = false;
        std::string base = "filter[date_" + std::string(field) + "]";
        const std::array<std::pair<std::string_view, std::optional<Date>*>, 3> operators{
            {{"eq", &range.eq}, {"gte", &range.gte}, {"lte", &range.lte}}};
        for (auto [op, slot] : operators) {
            std::string name = base + "[" + std::string(op) + "]";
            const auto* text = find(name);
            if (text == nullptr) continue;
            auto date = *text ? parseDate(**text) : std::nullopt;
            if (!date) return InvalidParameter{name, name + " must be a date YYYY-MM-DD"};
            *slot = *date;
            any = true;
        }
        if (any) out.dates.push_back(range);
    }
    for (std::string_view field : accepted.textFilters) {
        std::string name = "filter[" + std::string(field) + "]";
        const auto* text = find(name);
        if (text == nullptr) continue;
        if (!*text) return InvalidParameter{name, name + " is not valid percent-encoding"};
        out.matches.push_back({field, **text});
    }
    if (accepted.activeFilter)
        if (const auto* text = find("filter[active]")) {
            bool active = false;
            if (auto bad = readBoolean("filter[active]", *text, active)) return *bad;
            out.matches.push_back({"active", active});
        }
    return out;
}

} // namespace roomsd::api
