#include "ctl/request.hpp"

#include <array>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <sys/un.h>

#include "common/strings.hpp"
#include "common/time.hpp"

namespace roomsd::ctl {
namespace {

using enum FilterKind;

constexpr std::string_view kApiPrefix = "/v2";
constexpr std::string_view kDefaultSocket = "/run/roomsd/roomsd.sock";

constexpr std::array kRoomFilters{
    FilterFlag{"--unique-name", "filter[unique_name]", Text, "rooms with this unique name"},
    FilterFlag{"--created-on", "filter[date_created_at][eq]", Date, "created on DATE (YYYY-MM-DD, UTC)"},
    FilterFlag{"--created-since", "filter[date_created_at][gte]", Date, "created on or after DATE"},
    FilterFlag{"--created-until", "filter[date_created_at][lte]", Date, "created on or before DATE"},
    FilterFlag{"--updated-on", "filter[date_updated_at][eq]", Date, "updated on DATE (YYYY-MM-DD, UTC)"},
    FilterFlag{"--updated-since", "filter[date_updated_at][gte]", Date, "updated on or after DATE"},
    FilterFlag{"--updated-until", "filter[date_updated_at][lte]", Date, "updated on or before DATE"},
};

constexpr std::array kSessionFilters{
    FilterFlag{"--room-id", "filter[room_id]", Text, "sessions of this room"},
    FilterFlag{"--active", "filter[active]", Boolean, "true: sessions in progress; false: ended ones"},
    FilterFlag{"--created-on", "filter[date_created_at][eq]", Date, "created on DATE (YYYY-MM-DD, UTC)"},
    FilterFlag{"--created-since", "filter[date_created_at][gte]", Date, "created on or after DATE"},
    FilterFlag{"--created-until", "filter[date_created_at][lte]", Date, "created on or before DATE"},
    FilterFlag{"--updated-on", "filter[date_updated_at][eq]", Date, "updated on DATE (YYYY-MM-DD, UTC)"},
    FilterFlag{"--updated-since", "filter[date_updated_at][gte]", Date, "updated on or after DATE"},
    FilterFlag{"--updated-until", "filter[date_updated_at][lte]", Date, "updated on or before DATE"},
    FilterFlag{"--ended-on", "filter[date_ended_at][eq]", Date, "ended on DATE (YYYY-MM-DD, UTC)"},
    FilterFlag{"--ended-since", "filter[date_ended_at][gte]", Date, "ended on or after DATE"},
    FilterFlag{"--ended-until", "filter[date_ended_at][lte]", Date, "ended on or before DATE"},
};

constexpr std::array kParticipantFilters{
    FilterFlag{"--session-id", "filter[session_id]", Text, "participants of this session"},
    FilterFlag{"--context", "filter[context]", Text, "participants with this context"},
    FilterFlag{"--joined-on", "filter[date_joined_at][eq]", Date, "joined on DATE (YYYY-MM-DD, UTC)"},
    FilterFlag{"--joined-since", "filter[date_joined_at][gte]", Date, "joined on or after DATE"},
    FilterFlag{"--joined-until", "filter[date_joined_at][lte]", Date, "joined on or before DATE"},
    FilterFlag{"--updated-on", "filter[date_updated_at][eq]", Date, "updated on DATE (YYYY-MM-DD, UTC)"},
    FilterFlag{"--updated-since", "filter[date_updated_at][gte]", Date, "updated on or after DATE"},
    FilterFlag{"--updated-until", "filter[date_updated_at][lte]", Date, "updated on or before DATE"},
    FilterFlag{"--left-on", "filter[date_left_at][eq]", Date, "left on DATE (YYYY-MM-DD, UTC)"},
    FilterFlag{"--left-since", "filter[date_left_at][gte]", Date, "left on or after DATE"},
    FilterFlag{"--left-until", "filter[date_left_at][lte]", Date, "left on or before DATE"},
};

Error usage(std::string message) { return fail(ErrorKind::Usage, std::move(message)); }

std::string queryParam(std::string_view name, std::string_view value) {
    return percentEncode(name) + "=" + percentEncode(value);
}

// A whole number in [minimum, maximum] for `flag`, or a Usage error saying what was expected.
Result<std::int64_t> boundedInteger(std::string_view flag, const std::string& text, std::int64_t minimum,
                                    std::int64_t maximum) {
    auto n = parseInteger(trim(text));
    if (!n || *n < minimum || *n > maximum) {
        std::string range = maximum == INT64_MAX
                                ? "a whole number of at least " + std::to_string(minimum)
                                : "a whole number from " + std::to_string(minimum) + " to " + std::to_string(maximum);
        return usage(std::string(flag) + ": expected " + range + ", got " + quoteForLog(text, 40));
    }
    return static_cast<std::int64_t>(*n);
}

} // namespace

std::span<const FilterFlag> filterFlags(const model::RecordSchema& schema) {
    switch (schema.stream) {
    case model::Stream::Rooms: return kRoomFilters;
    case model::Stream::Sessions: return kSessionFilters;
    case model::Stream::Participants: return kParticipantFilters;
    }
    return {};
}

Result<ListQuery> parseListFlags(const model::RecordSchema& schema, const ListFlags& flags) {
    ListQuery query;
    std::size_t matched = 0;
    for (const FilterFlag& filter : filterFlags(schema)) {
        auto given = flags.filters.find(std::string(filter.flag));
        if (given == flags.filters.end()) continue;
        ++matched;
        const std::string& value = given->second;
        switch (filter.kind) {
        case Date:
            if (!parseDate(value))
                return usage(std::string(filter.flag) + ": expected a date as YYYY-MM-DD, got " +
                             quoteForLog(value, 40));
            break;
        case Boolean:
            if (value != "true" && value != "false")
                return usage(std::string(filter.flag) + ": expected true or false, got " + quoteForLog(value, 40));
            break;
        case Text: break;
        }
        query.filters.emplace_back(filter.param, value);
    }
    if (matched != flags.filters.size()) {
        for (const auto& [flag, value] : flags.filters) {
            bool known = false;
            for (const FilterFlag& filter : filterFlags(schema)) known = known || filter.flag == flag;
            if (!known) return usage(flag + " is not a filter of " + std::string(schema.name));
        }
    }
    if (flags.includeChildren && schema.includeChildParam.empty())
        return usage(std::string(schema.name) + " have no nested records to include");
    query.includeChildren = flags.includeChildren;
    if (flags.all && flags.page) return usage("--all reads every page; it cannot be combined with --page");
    query.all = flags.all;
    if (flags.page) {
        auto page = boundedInteger("--page", *flags.page, 1, INT64_MAX);
        if (!page) return std::move(page).error();
        query.pageNumber = *page;
    }
    if (flags.pageSize) {
        auto size = boundedInteger("--page-size", *flags.pageSize, 1, kMaxPageSize);
        if (!size) return std::move(size).error();
        query.pageSize = *size;
    }
    return query;
}

HttpRequest listRequest(const model::RecordSchema& schema, const ListQuery& query) {
    HttpRequest request;
    request.target = std::string(kApiPrefix) + std::string(schema.listPath);
    std::vector<std::string> params;
    for (const auto& [name, value] : query.filters) params.push_back(queryParam(name, value));
    if (query.includeChildren && !schema.includeChildParam.empty())
        params.push_back(queryParam(schema.includeChildParam, "true"));
    if (query.pageNumber) params.push_back(queryParam("page[number]", std::to_string(*query.pageNumber)));
    if (query.pageSize) params.push_back(queryParam("page[size]", std::to_string(*query.pageSize)));
    for (std::size_t i = 0; i < params.size(); ++i) request.target += (i == 0 ? "?" : "&") + params[i];
    return request;
}

Result<HttpRequest> recordRequest(const model::RecordSchema& schema, std::string_view id, bool includeChildren) {
    if (id.empty()) return usage("the record id is empty");
    if (includeChildren && schema.includeChildParam.empty())
        return usage(std::string(schema.name) + " have no nested records to include");
    HttpRequest request;
    request.target = std::string(kApiPrefix) + std::string(schema.listPath) + "/" + percentEncode(id);
    if (includeChildren) request.target += "?" + queryParam(schema.includeChildParam, "true");
    return request;
}

boost::json::value sqlParamValue(std::string_view text) {
    if (text == "null") return nullptr;
    if (auto integer = parseInteger(text)) return static_cast<std::int64_t>(*integer);
    bool looksIntegral = !text.empty() && text.find_first_not_of("-0123456789") == std::string_view::npos;
    if (!looksIntegral) {
        double real = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), real);
        if (ec == std::errc() && end == text.data() + text.size() && std::isfinite(real)) return real;
    }
    return boost::json::string(text);
}

Result<HttpRequest> sqlRequest(std::string_view sql, const std::vector<std::string>& params, bool csv) {
    if (trim(sql).empty()) return usage("the SQL statement is empty");
    HttpRequest request;
    request.method = "POST";
    request.target = "/sql";
    if (csv) request.accept = "text/csv";
    if (params.empty()) {
        request.contentType = "text/plain; charset=utf-8";
        request.body = std::string(sql);
        return request;
    }
    boost::json::array values;
    for (const auto& p : params) values.push_back(sqlParamValue(p));
    request.contentType = "application/json";
    request.body = boost::json::serialize(boost::json::object{{"sql", sql}, {"params", std::move(values)}});
    return request;
}

HttpRequest statusRequest() { return HttpRequest{"GET", "/status", "application/json", "", ""}; }

HttpRequest syncRequest() { return HttpRequest{"POST", "/sync", "application/json", "", ""}; }

std::string defaultSocketPath(const char* environmentValue) {
    if (environmentValue != nullptr && *environmentValue != '\0') return environmentValue;
    return std::string(kDefaultSocket);
}

Result<void> checkSocketPath(std::string_view path) {
    if (path.empty()) return usage("--socket: the path is empty");
    constexpr std::size_t kMaxPath = sizeof(sockaddr_un::sun_path) - 1;
    if (path.size() > kMaxPath)
        return usage("--socket: " + quoteForLog(path, 60) + " is longer than a Unix socket path may be (" +
                     std::to_string(kMaxPath) + " bytes)");
    return {};
}

} // namespace roomsd::ctl
