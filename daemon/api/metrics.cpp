// Counters of the query API and the Prometheus text rendering.
// Thread-safety: see metrics.hpp.
#include "api/metrics.hpp"

#include <charconv>
#include <cmath>
#include <initializer_list>
#include <utility>
#include <vector>

#include "common/time.hpp"

namespace roomsd::api {
namespace {

std::string number(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc() ? std::string(buffer, end) : "NaN";
}

std::string number(std::uint64_t value) { return std::to_string(value); }
std::string number(std::int64_t value) { return std::to_string(value); }

using Labels = std::vector<std::pair<std::string_view, std::string>>;

class Writer {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += help;
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }
    void sample(std::string_view name, const Labels& labels, const std::string& value) {
        out_ += name;
        if (!labels.empty()) {
            out_ += '{';
            for (std::size_t i = 0; i < labels.size(); ++i) {
                if (i > 0) out_ += ',';
                out_ += labels[i].first;
                out_ += "=\"";
                out_ += escapeLabelValue(labels[i].second);
                out_ += '"';
            }
            out_ += '}';
        }
        out_ += ' ';
        out_ += value;
        out_ += '\n';
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

const sync::StreamCounters* countersOf(const sync::SyncActivity& activity, std::string_view stream) {
    auto it = activity.streams.find(std::string(stream));
    return it == activity.streams.end() ? nullptr : &it->second;
}

const store::StreamOverview* overviewOf(const store::MirrorOverview* mirror, std::string_view stream) {
    if (mirror == nullptr) return nullptr;
    for (const auto& s : mirror->streams)
        if (s.schema->name == stream) return &s;
    return nullptr;
}

} // namespace

std::string escapeLabelValue(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

void ApiMetrics::recordRequest(std::string_view route, unsigned status, double seconds) {
    std::lock_guard lock(mutex_);
    auto it = data_.routes.find(route);
    if (it == data_.routes.end()) it = data_.routes.emplace(std::string(route), RouteStats{}).first;
    RouteStats& stats = it->second;
    ++stats.byStatus[status];
    ++stats.count;
    stats.sumSeconds += seconds;
    for (std::size_t i = 0; i < kDurationBuckets.size(); ++i)
        if (seconds <= kDurationBuckets[i]) ++stats.buckets[i];
}

void ApiMetrics::connectionOpened() {
    std::lock_guard lock(mutex_);
    ++data_.connectionsOpen;
}

void ApiMetrics::connectionClosed() {
    std::lock_guard lock(mutex_);
    --data_.connectionsOpen;
}

void ApiMetrics::connectionRejected() {
    std::lock_guard lock(mutex_);
    ++data_.connectionsRejected;
}

std::int64_t ApiMetrics::connectionsOpen() const {
    std::lock_guard lock(mutex_);
    return data_.connectionsOpen;
}

ApiMetricsSnapshot ApiMetrics::snapshot() const {
    std::lock_guard lock(mutex_);
    return data_;
}

std::string renderMetrics(const MetricsInput& in) {
    Writer w;
    const sync::SyncActivity& activity = in.activity;

    w.family("roomsd_build_info", "gauge", "The roomsd version; always 1.");
    w.sample("roomsd_build_info", {{"version", std::string(in.version)}}, "1");
    w.family("roomsd_uptime_seconds", "gauge", "Seconds since roomsd started.");
    w.sample("roomsd_uptime_seconds", {}, number(in.uptimeSeconds));

    w.family("roomsd_sync_running", "gauge", "1 while a sync pass runs.");
    w.sample("roomsd_sync_running", {}, activity.running ? "1" : "0");
    w.family("roomsd_telnyx_credentials_rejected", "gauge",
             "1 while the Telnyx API rejects the API key (see /status telnyx.credentials for its source).");
    w.sample("roomsd_telnyx_credentials_rejected", {}, activity.credentialsRejected ? "1" : "0");

    w.family("roomsd_sync_passes_total", "counter", "Stream passes finished since start, by outcome.");
    for (const model::RecordSchema* schema : model::allSchemas()) {
        const sync::StreamCounters* c = countersOf(activity, schema->name);
        for (store::PassOutcome outcome : store::allOutcomes()) {
            std::uint64_t n = 0;
            if (c != nullptr)
                if (auto it = c->passesByOutcome.find(outcome); it != c->passesByOutcome.end()) n = it->second;
            w.sample("roomsd_sync_passes_total",
                     {{"stream", std::string(schema->name)}, {"outcome", std::string(store::toString(outcome))}},
                     number(n));
        }
    }
    // One family per counter of sync_runs (several counters share roomsd_sync_rows_total, told apart by "op").
    std::string_view family;
    for (const store::CounterColumn& counter : store::counterColumns()) {
        if (counter.metric != family) {
            family = counter.metric;
            w.family(counter.metric, "counter", counter.metricHelp);
        }
        for (const model::RecordSchema* schema : model::allSchemas()) {
            const sync::StreamCounters* c = countersOf(activity, schema->name);
            Labels labels{{"stream", std::string(schema->name)}};
            if (!counter.metricOp.empty()) labels.emplace_back("op", std::string(counter.metricOp));
            w.sample(counter.metric, labels, number(c ? c->totals.*counter.member : std::int64_t{0}));
        }
    }
    w.family("roomsd_sync_pass_duration_seconds", "gauge", "Duration of the stream's last finished pass.");
    for (const model::RecordSchema* schema : model::allSchemas()) {
        const sync::StreamCounters* c = countersOf(activity, schema->name);
        w.sample("roomsd_sync_pass_duration_seconds", {{"stream", std::string(schema->name)}},
                 number(c ? c->lastPassSeconds : 0.0));
    }
    w.family("roomsd_sync_last_success_timestamp_seconds", "gauge",
             "Unix time the stream's last complete pass finished; 0 if none ever did.");
    for (const model::RecordSchema* schema : model::allSchemas()) {
        const sync::StreamCounters* c = countersOf(activity, schema->name);
        double at = c ? c->lastSuccessUnixSeconds : 0.0;
        if (const store::StreamOverview* o = overviewOf(in.mirror, schema->name); o && o->state.lastSuccessAt)
            at = std::max(at, static_cast<double>(o->state.lastSuccessAt->micros) / 1e6);
        w.sample("roomsd_sync_last_success_timestamp_seconds", {{"stream", std::string(schema->name)}}, number(at));
    }

    w.family("roomsd_telnyx_requests_total", "counter",
             "HTTP requests to the Telnyx API since start, by status (\"error\": no response).");
    for (const auto& [status, n] : activity.client.byStatus)
        w.sample("roomsd_telnyx_requests_total", {{"status", status == 0 ? "error" : std::to_string(status)}},
                 number(n));
    w.family("roomsd_telnyx_retries_total", "counter", "Retried requests to the Telnyx API since start.");
    w.sample("roomsd_telnyx_retries_total", {}, number(activity.client.retries));
    if (activity.client.rateLimitRemaining >= 0) {
        w.family("roomsd_telnyx_rate_limit_remaining", "gauge",
                 "Requests left in the Telnyx rate-limit window, as last reported.");
        w.sample("roomsd_telnyx_rate_limit_remaining", {}, number(activity.client.rateLimitRemaining));
    }

    if (in.mirror != nullptr) {
        w.family("roomsd_mirror_records", "gauge", "Records in the mirror, live or deleted upstream.");
        for (const store::StreamOverview& s : in.mirror->streams) {
            w.sample("roomsd_mirror_records", {{"stream", std::string(s.schema->name)}, {"state", "live"}},
                     number(s.liveRecords));
            w.sample("roomsd_mirror_records", {{"stream", std::string(s.schema->name)}, {"state", "deleted"}},
                     number(s.deletedRecords));
        }
    }
    if (in.changes != nullptr) {
        w.family("roomsd_changes_last_seq", "gauge", "The newest seq of the change feed (0 when none).");
        w.sample("roomsd_changes_last_seq", {}, number(in.changes->bounds.lastSeq));
        w.family("roomsd_changes_retained", "gauge", "Changes the log holds (retention trims the oldest).");
        w.sample("roomsd_changes_retained", {}, number(in.changes->bounds.retained));
        w.family("roomsd_change_consumer_lag", "gauge", "Changes after a registered consumer's last ack.");
        for (const store::Consumer& c : in.changes->consumers)
            w.sample("roomsd_change_consumer_lag", {{"consumer", c.name}}, number(c.lag));
    }
    w.family("roomsd_database_size_bytes", "gauge", "Size of the SQLite database file, without its WAL.");
    w.sample("roomsd_database_size_bytes", {}, number(in.databaseBytes));

    w.family("roomsd_api_requests_total", "counter", "Query API requests answered, by route pattern and status.");
    for (const auto& [route, stats] : in.api.routes)
        for (const auto& [status, n] : stats.byStatus)
            w.sample("roomsd_api_requests_total", {{"route", route}, {"status", std::to_string(status)}}, number(n));
    w.family("roomsd_api_request_duration_seconds", "histogram",
             "Time from a whole request read to its answer ready, by route pattern.");
    for (const auto& [route, stats] : in.api.routes) {
        for (std::size_t i = 0; i < kDurationBuckets.size(); ++i)
            w.sample("roomsd_api_request_duration_seconds_bucket",
                     {{"route", route}, {"le", number(kDurationBuckets[i])}}, number(stats.buckets[i]));
        w.sample("roomsd_api_request_duration_seconds_bucket", {{"route", route}, {"le", "+Inf"}}, number(stats.count));
        w.sample("roomsd_api_request_duration_seconds_sum", {{"route", route}}, number(stats.sumSeconds));
        w.sample("roomsd_api_request_duration_seconds_count", {{"route", route}}, number(stats.count));
    }
    w.family("roomsd_changes_waiting", "gauge", "Long-polls (GET /changes with wait) and event streams open.");
    w.sample("roomsd_changes_waiting", {}, number(in.changeWaiters));
    w.family("roomsd_api_connections_open", "gauge", "Open query API connections.");
    w.sample("roomsd_api_connections_open", {}, number(in.api.connectionsOpen));
    w.family("roomsd_api_connections_rejected_total", "counter",
             "Connections refused because server.max_connections were open.");
    w.sample("roomsd_api_connections_rejected_total", {}, number(in.api.connectionsRejected));
    return w.take();
}

} // namespace roomsd::api
