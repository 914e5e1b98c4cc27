// Parameters of the change feed's routes.
// Thread-safety: pure functions.
#include "api/changes_query.hpp"

#include <charconv>
#include <optional>
#include <string>

#include "api/query_string.hpp"
#include "common/strings.hpp"
#include "store/change_feed.hpp"

namespace roomsd::api {
namespace {

Error refused(const std::string& parameter, const std::string& message) {
    return Error{ErrorKind::Usage, message, parameter};
}

std::optional<std::int64_t> integerIn(std::string_view text, std::int64_t low, std::int64_t high) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < low || value > high)
        return std::nullopt;
    return value;
}

bool takes(ChangesRoute route, std::string_view name) {
    switch (route) {
    case ChangesRoute::Page:
        return name == "since" || name == "limit" || name == "kind" || name == "wait" || name == "format";
    case ChangesRoute::Stream: return name == "since" || name == "kind";
    case ChangesRoute::Snapshot: return name == "kind";
    }
    return false;
}

std::string_view takenList(ChangesRoute route) {
    switch (route) {
    case ChangesRoute::Page: return "since, limit, kind, wait and format";
    case ChangesRoute::Stream: return "since and kind";
    case ChangesRoute::Snapshot: return "kind";
    }
    return "";
}

Result<std::int64_t> sinceOf(std::string_view text, const std::string& parameter) {
    auto since = integerIn(text, 0, INT64_MAX);
    if (!since) return refused(parameter, parameter + " must be a seq, an integer >= 0; not " + quoteForLog(text, 40));
    return *since;
}

} // namespace

Result<ChangesQuery> parseChangesQuery(ChangesRoute route, std::string_view query, std::string_view lastEventId) {
    ChangesQuery out;
    for (const auto& [name, value] : parseQueryString(query)) {
        if (!takes(route, name))
            return refused(name, "unknown parameter " + quoteForLog(name, 40) + "; this route takes " +
                                     std::string(takenList(route)));
        if (!value) return refused(name, name + " is not valid percent-encoding");
        const std::string& v = *value;
        if (name == "since") {
            auto since = sinceOf(v, "since");
            if (!since) return std::move(since).error();
            out.since = *since;
        } else if (name == "limit") {
            auto limit = integerIn(v, 1, kMaxChangesLimit);
            if (!limit) return refused(name, "limit must be an integer from 1 to 10000; not " + quoteForLog(v, 40));
            out.limit = *limit;
        } else if (name == "wait") {
            auto wait = integerIn(v, 0, kMaxWaitSecs);
            if (!wait) return refused(name, "wait must be seconds from 0 to 300; not " + quoteForLog(v, 40));
            out.waitSecs = static_cast<int>(*wait);
        } else if (name == "kind") {
            out.kind = store::schemaOfKind(v);
            if (out.kind == nullptr)
                return refused(name,
                               "kind must be rooms, room_sessions or room_participants; not " + quoteForLog(v, 40));
        } else if (name == "format") {
            if (v == "json")
                out.format = ChangesFormat::Json;
            else if (v == "jsonl")
                out.format = ChangesFormat::JsonLines;
            else
                return refused(name, "format must be json or jsonl; not " + quoteForLog(v, 40));
        }
    }
    if (route == ChangesRoute::Stream && !lastEventId.empty()) {
        auto since = sinceOf(lastEventId, "Last-Event-ID");
        if (!since) return std::move(since).error();
        out.since = *since;
    }
    return out;
}

} // namespace roomsd::api
