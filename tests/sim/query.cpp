#include "query.hpp"

#include <array>
#include <map>

#include "common/strings.hpp"

namespace roomsd::sim {
namespace {

// What the spec lets each endpoint take.
struct EndpointParameters {
    bool paged = false;
    std::string_view includeParameter;        // "include_sessions", or empty
    std::vector<std::string_view> dateFields; // "created_at" for filter[date_created_at][...]
    std::vector<std::string_view> stringFilters;
    bool activeFilter = false;
};

EndpointParameters parametersOf(Endpoint endpoint) {
    switch (endpoint) {
    case Endpoint::ListRooms: return {true, "include_sessions", {"created_at", "updated_at"}, {"unique_name"}, false};
    case Endpoint::ViewRoom: return {false, "include_sessions", {}, {}, false};
    case Endpoint::ListSessionsOfRoom:
        return {true, "include_participants", {"created_at", "updated_at", "ended_at"}, {}, true};
    case Endpoint::ListSessions:
        return {true, "include_participants", {"created_at", "updated_at", "ended_at"}, {"room_id"}, true};
    case Endpoint::ViewSession: return {false, "include_participants", {}, {}, false};
    case Endpoint::ListParticipantsOfSession:
        return {true, "", {"joined_at", "updated_at", "left_at"}, {"context"}, false};
    case Endpoint::ListParticipants:
        return {true, "", {"joined_at", "updated_at", "left_at"}, {"context", "session_id"}, false};
    case Endpoint::ViewParticipant: return {};
    }
    return {};
}

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

Stream streamOf(Endpoint endpoint) {
    switch (endpoint) {
    case Endpoint::ListRooms:
    case Endpoint::ViewRoom: return Stream::Rooms;
    case Endpoint::ListSessionsOfRoom:
    case Endpoint::ListSessions:
    case Endpoint::ViewSession: return Stream::Sessions;
    default: return Stream::Participants;
    }
}

std::variant<ListQuery, InvalidParameter> parseQuery(Endpoint endpoint, std::string_view query) {
    EndpointParameters accepted = parametersOf(endpoint);
    auto parameters = parseQueryString(query);
    ListQuery out;
    auto find = [&](const std::string& name) -> const std::optional<std::string>* {
        auto it = parameters.find(name);
        return it == parameters.end() ? nullptr : &it->second;
    };
    if (accepted.paged) {
        if (auto* size = find("page[size]"))
            if (auto bad = readInteger("page[size]", *size, 1, kMaxPageSize, out.pageSize)) return *bad;
        if (auto* number = find("page[number]"))
            if (auto bad = readInteger("page[number]", *number, 1, INT64_MAX, out.pageNumber)) return *bad;
    }
    if (!accepted.includeParameter.empty())
        if (auto* include = find(std::string(accepted.includeParameter)))
            if (auto bad = readBoolean(std::string(accepted.includeParameter), *include, out.includeChildren))
                return *bad;
    for (std::string_view field : accepted.dateFields) {
        DateFilter filter{field, {}, {}, {}};
        bool any = false;
        std::string base = "filter[date_" + std::string(field) + "]";
        const std::array<std::pair<std::string_view, std::optional<Date>*>, 3> operators{
            {{"eq", &filter.eq}, {"gte", &filter.gte}, {"lte", &filter.lte}}};
        for (auto [op, slot] : operators) {
            std::string name = base + "[" + std::string(op) + "]";
            auto* text = find(name);
            if (text == nullptr) continue;
            auto date = *text ? parseDate(**text) : std::nullopt;
            if (!date) return InvalidParameter{name, name + " must be a date YYYY-MM-DD"};
            *slot = *date;
            any = true;
        }
        if (any) out.dateFilters.push_back(filter);
    }
    for (std::string_view field : accepted.stringFilters) {
        std::string name = "filter[" + std::string(field) + "]";
        auto* text = find(name);
        if (text == nullptr) continue;
        if (!*text) return InvalidParameter{name, name + " is not valid percent-encoding"};
        out.exactFilters.push_back({field, FieldValue{**text}});
    }
    if (accepted.activeFilter)
        if (auto* text = find("filter[active]")) {
            bool active = false;
            if (auto bad = readBoolean("filter[active]", *text, active)) return *bad;
            out.exactFilters.push_back({"active", FieldValue{active}});
        }
    return out;
}

bool matches(const ListQuery& query, const StreamSchema& schema, const Record& record) {
    for (const DateFilter& filter : query.dateFilters) {
        auto when = timestampOf(schema, record, filter.field);
        if (!when) return false;
        Date date = dateOf(*when);
        if (filter.eq && date != *filter.eq) return false;
        if (filter.gte && date < *filter.gte) return false;
        if (filter.lte && date > *filter.lte) return false;
    }
    for (const ExactFilter& filter : query.exactFilters)
        if (valueOf(schema, record, filter.field) != filter.value) return false;
    return true;
}

PageSlice paginate(std::size_t total, std::int64_t number, std::int64_t size) {
    PageSlice slice;
    if (size < 1 || number < 1) return slice;
    auto pageSize = static_cast<std::size_t>(size);
    slice.totalPages = static_cast<std::int64_t>((total + pageSize - 1) / pageSize);
    if (number > slice.totalPages) return slice;
    slice.offset = static_cast<std::size_t>(number - 1) * pageSize;
    slice.count = std::min(pageSize, total - slice.offset);
    return slice;
}

std::optional<std::int64_t> requestedPageNumber(std::string_view query) {
    auto parameters = parseQueryString(query);
    auto it = parameters.find("page[number]");
    if (it == parameters.end()) return 1;
    if (!it->second) return std::nullopt;
    auto value = parseInteger(*it->second);
    if (!value) return std::nullopt;
    return *value;
}

} // namespace roomsd::sim
