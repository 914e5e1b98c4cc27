// Rendering of GET /status.
// Thread-safety: pure function.
#include "api/status.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>

namespace roomsd::api {
namespace {

namespace json = boost::json;

json::value optionalString(const std::optional<std::string>& s) {
    if (!s) return nullptr;
    return json::string(*s);
}

json::value lastRun(const std::optional<store::SyncRun>& run) {
    if (!run) return nullptr;
    json::object o;
    o["mode"] = run->mode;
    o["filter_date"] = optionalString(run->filterDate);
    o["started_at"] = run->startedAt;
    o["finished_at"] = run->finishedAt;
    o["outcome"] = run->outcome;
    o["message"] = run->message.empty() ? json::value(nullptr) : json::value(json::string(run->message));
    o["requests"] = run->requests;
    o["retries"] = run->retries;
    o["pages"] = run->pages;
    o["walks"] = run->walks;
    o["records_seen"] = run->recordsSeen;
    o["inserted"] = run->inserted;
    o["updated"] = run->updated;
    o["unchanged"] = run->unchanged;
    o["deleted"] = run->deleted;
    o["embedded_written"] = run->embeddedWritten;
    o["errors"] = run->errors;
    return o;
}

} // namespace

std::string renderStatus(const StatusInput& in) {
    json::object status;
    status["version"] = in.version;
    status["started_at"] = in.startedAt;
    // Whole seconds: Boost.JSON would print a double as 2.995100234E0.
    status["uptime_seconds"] = static_cast<std::int64_t>(in.uptimeSeconds);
    status["database"] = json::object{{"path", in.databasePath},
                                      {"size_bytes", in.databaseBytes},
                                      {"wal_bytes", in.walBytes},
                                      {"schema_version", in.mirror.schemaVersion}};
    json::object streams;
    for (const store::StreamOverview& s : in.mirror.streams) {
        json::object o;
        o["cursor"] = optionalString(s.state.cursor);
        o["last_full_at"] = optionalString(s.state.lastFullAt);
        o["last_success_at"] = optionalString(s.state.lastSuccessAt);
        json::value lag = nullptr;
        if (s.state.lastSuccessAt)
            if (auto at = parseTimestamp(*s.state.lastSuccessAt))
                lag = std::max<std::int64_t>(0, (in.now.micros - at->micros) / 1'000'000);
        o["lag_seconds"] = lag;
        o["live_records"] = s.liveRecords;
        o["deleted_records"] = s.deletedRecords;
        o["last_run"] = lastRun(s.lastRun);
        streams[s.schema->name] = std::move(o);
    }
    json::object sync;
    sync["running"] = in.activity.running;
    sync["running_since"] = optionalString(in.activity.runningSince);
    sync["next_pass_at"] = optionalString(in.activity.nextPassAt);
    sync["interval_secs"] = in.intervalSecs;
    sync["streams"] = std::move(streams);
    status["sync"] = std::move(sync);
    json::object telnyx;
    telnyx["base_url"] = in.baseUrl;
    telnyx["requests"] = in.activity.client.requests;
    telnyx["retries"] = in.activity.client.retries;
    telnyx["rate_limit_remaining"] =
        in.activity.client.rateLimitRemaining >= 0 ? json::value(in.activity.client.rateLimitRemaining) : nullptr;
    status["telnyx"] = std::move(telnyx);
    return json::serialize(status);
}

} // namespace roomsd::api
