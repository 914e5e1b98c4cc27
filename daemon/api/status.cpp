// Rendering of GET /status.
// Thread-safety: pure function.
#include "api/status.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <cstdint>

namespace roomsd::api {
namespace {

namespace json = boost::json;

json::value optionalString(const std::optional<std::string>& s) {
    if (!s) return nullptr;
    return json::string(*s);
}

json::value optionalTime(const std::optional<Timestamp>& t) {
    if (!t) return nullptr;
    return json::string(formatTimestamp(*t));
}

// Every column of the run but the stream (the key it is listed under), from sync_run.hpp's tables.
json::value lastRun(const std::optional<store::SyncRun>& run) {
    if (!run) return nullptr;
    json::object o;
    for (std::string_view name : store::runColumnNames()) {
        if (name == "stream") continue;
        for (const store::CounterColumn& c : store::counterColumns())
            if (c.name == name) o[name] = (*run).counters.*c.member;
        for (const store::RunColumn& c : store::runColumns())
            if (c.name == name) o[name] = optionalString(store::columnText(*run, c));
    }
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
        o["cursor"] = optionalTime(s.state.cursor);
        o["last_full_at"] = optionalTime(s.state.lastFullAt);
        o["last_success_at"] = optionalTime(s.state.lastSuccessAt);
        json::value lag = nullptr;
        // A clock set back makes a negative lag: shown as it is, not hidden as 0.
        if (s.state.lastSuccessAt) lag = (in.now.micros - s.state.lastSuccessAt->micros) / 1'000'000;
        o["lag_seconds"] = lag;
        o["live_records"] = s.liveRecords;
        o["deleted_records"] = s.deletedRecords;
        // The process's own record of its last pass when it is newer than the database's: a
        // pass whose sync_runs row could not be written (a full disk) still shows as it ended.
        std::optional<store::SyncRun> last = s.lastRun;
        if (auto it = in.activity.streams.find(std::string(s.schema->name));
            it != in.activity.streams.end() && it->second.lastRun &&
            (!last || it->second.lastRun->finishedAt > last->finishedAt))
            last = it->second.lastRun;
        o["last_run"] = lastRun(last);
        streams[s.schema->name] = std::move(o);
    }
    json::object sync;
    sync["running"] = in.activity.running;
    sync["running_since"] = optionalTime(in.activity.runningSince);
    sync["next_pass_at"] = optionalTime(in.activity.nextPassAt);
    // The stream pass in progress, or null between passes.
    json::value progress = nullptr;
    if (const auto& p = in.activity.progress) {
        json::object o;
        o["stream"] = p->stream;
        o["mode"] = store::toString(p->mode);
        o["phase"] = p->phase;
        o["walk"] = p->walk;
        o["pages_done"] = p->pagesDone;
        o["pages_total"] = p->pagesTotal >= 0 ? json::value(p->pagesTotal) : nullptr;
        o["records"] = p->records;
        o["requests"] = p->requests;
        o["started_at"] = formatTimestamp(p->startedAt);
        o["records_per_second"] = std::round(p->recordsPerSecond * 10) / 10;
        o["seconds_left"] = p->secondsLeft ? json::value(std::round(*p->secondsLeft)) : nullptr;
        progress = std::move(o);
    }
    sync["progress"] = std::move(progress);
    sync["interval_secs"] = in.intervalSecs;
    sync["streams"] = std::move(streams);
    status["sync"] = std::move(sync);
    if (in.changes) {
        json::array consumers;
        for (const store::Consumer& c : in.changes->consumers)
            consumers.push_back(json::object{{"name", c.name}, {"acked_seq", c.ackedSeq}, {"lag", c.lag}});
        status["changes"] = json::object{{"last_seq", in.changes->bounds.lastSeq},
                                         {"oldest_seq", in.changes->bounds.oldestSeq},
                                         {"retained", in.changes->bounds.retained},
                                         {"consumers", std::move(consumers)}};
    } else {
        status["changes"] = nullptr;
    }
    json::object telnyx;
    telnyx["base_url"] = in.baseUrl;
    telnyx["requests"] = in.activity.client.requests;
    telnyx["retries"] = in.activity.client.retries;
    telnyx["rate_limit_remaining"] =
        in.activity.client.rateLimitRemaining >= 0 ? json::value(in.activity.client.rateLimitRemaining) : nullptr;
    // Whether the API rejected the key, and the message naming where the key came from.
    json::object credentials;
    credentials["rejected"] = in.activity.credentialsRejected.has_value();
    credentials["message"] = optionalString(in.activity.credentialsRejected);
    telnyx["credentials"] = std::move(credentials);
    status["telnyx"] = std::move(telnyx);
    return json::serialize(status);
}

} // namespace roomsd::api
