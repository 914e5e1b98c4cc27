// /metrics rendering and the /status document.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "api/metrics.hpp"
#include "api/status.hpp"

using namespace roomsd;
using namespace roomsd::api;
namespace json = boost::json;

namespace {

bool hasLine(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

store::MirrorOverview sampleMirror() {
    store::MirrorOverview mirror;
    mirror.schemaVersion = 2;
    for (const model::RecordSchema* schema : model::allSchemas()) {
        store::StreamOverview s;
        s.schema = schema;
        s.liveRecords = 10;
        s.deletedRecords = 1;
        mirror.streams.push_back(s);
    }
    mirror.streams[0].state.lastSuccessAt = parseTimestamp("2024-05-01T00:00:10.000000Z");
    store::SyncRun run;
    run.stream = "rooms";
    run.mode = store::PassMode::Backfill;
    run.startedAt = *parseTimestamp("2024-05-01T00:00:00.000000Z");
    run.finishedAt = *parseTimestamp("2024-05-01T00:00:10.000000Z");
    run.outcome = store::PassOutcome::Ok;
    run.counters.inserted = 10;
    mirror.streams[0].lastRun = run;
    return mirror;
}

} // namespace

TEST_CASE("request counters and the duration histogram add up") {
    ApiMetrics metrics;
    metrics.recordRequest("/v2/rooms", 200, 0.002);
    metrics.recordRequest("/v2/rooms", 200, 0.2);
    metrics.recordRequest("/v2/rooms", 422, 20);
    metrics.connectionOpened();
    metrics.connectionOpened();
    metrics.connectionClosed();
    metrics.connectionRejected();
    MetricsInput in;
    in.version = "0.1.0";
    in.api = metrics.snapshot();
    std::string text = renderMetrics(in);
    CHECK(hasLine(text, R"(roomsd_api_requests_total{route="/v2/rooms",status="200"} 2)"));
    CHECK(hasLine(text, R"(roomsd_api_requests_total{route="/v2/rooms",status="422"} 1)"));
    CHECK(hasLine(text, R"(roomsd_api_request_duration_seconds_bucket{route="/v2/rooms",le="0.001"} 0)"));
    CHECK(hasLine(text, R"(roomsd_api_request_duration_seconds_bucket{route="/v2/rooms",le="0.0025"} 1)"));
    CHECK(hasLine(text, R"(roomsd_api_request_duration_seconds_bucket{route="/v2/rooms",le="0.25"} 2)"));
    CHECK(hasLine(text, R"(roomsd_api_request_duration_seconds_bucket{route="/v2/rooms",le="10"} 2)"));
    CHECK(hasLine(text, R"(roomsd_api_request_duration_seconds_bucket{route="/v2/rooms",le="+Inf"} 3)"));
    CHECK(hasLine(text, R"(roomsd_api_request_duration_seconds_count{route="/v2/rooms"} 3)"));
    CHECK(hasLine(text, "roomsd_api_connections_open 1"));
    CHECK(hasLine(text, "roomsd_api_connections_rejected_total 1"));
    CHECK(hasLine(text, "# TYPE roomsd_api_request_duration_seconds histogram"));
    CHECK(hasLine(text, R"(roomsd_build_info{version="0.1.0"} 1)"));
}

TEST_CASE("sync and Telnyx counters come from the engine, record counts from the mirror") {
    MetricsInput in;
    in.version = "0.1.0";
    sync::StreamCounters rooms;
    rooms.passesByOutcome[store::PassOutcome::Ok] = 3;
    rooms.totals.inserted = 5;
    rooms.lastPassSeconds = 1.5;
    in.activity.streams["rooms"] = rooms;
    in.activity.running = true;
    in.activity.client.byStatus[200] = 7;
    in.activity.client.byStatus[0] = 2;
    in.activity.client.retries = 2;
    store::MirrorOverview mirror = sampleMirror();
    in.mirror = &mirror;
    in.databaseBytes = 4096;
    std::string text = renderMetrics(in);
    CHECK(hasLine(text, "roomsd_sync_running 1"));
    CHECK(hasLine(text, R"(roomsd_sync_passes_total{stream="rooms",outcome="ok"} 3)"));
    CHECK(hasLine(text, R"(roomsd_sync_passes_total{stream="participants",outcome="failed"} 0)"));
    CHECK(hasLine(text, R"(roomsd_sync_rows_total{stream="rooms",op="inserted"} 5)"));
    CHECK(hasLine(text, R"(roomsd_sync_pass_duration_seconds{stream="rooms"} 1.5)"));
    CHECK(hasLine(text, R"(roomsd_sync_last_success_timestamp_seconds{stream="rooms"} 1714521610)"));
    CHECK(hasLine(text, R"(roomsd_sync_last_success_timestamp_seconds{stream="sessions"} 0)"));
    CHECK(hasLine(text, R"(roomsd_telnyx_requests_total{status="200"} 7)"));
    CHECK(hasLine(text, R"(roomsd_telnyx_requests_total{status="error"} 2)"));
    CHECK(hasLine(text, "roomsd_telnyx_retries_total 2"));
    CHECK(text.find("roomsd_telnyx_rate_limit_remaining") == std::string::npos); // unknown: not exported
    CHECK(hasLine(text, R"(roomsd_mirror_records{stream="sessions",state="deleted"} 1)"));
    CHECK(hasLine(text, "roomsd_database_size_bytes 4096"));
    in.activity.client.rateLimitRemaining = 42;
    CHECK(hasLine(renderMetrics(in), "roomsd_telnyx_rate_limit_remaining 42"));
}

TEST_CASE("every sample belongs to a family declared before it") {
    MetricsInput in;
    in.version = "0.1.0";
    store::MirrorOverview mirror = sampleMirror();
    in.mirror = &mirror;
    ApiMetrics metrics;
    metrics.recordRequest("other", 404, 0.01);
    in.api = metrics.snapshot();
    std::string text = renderMetrics(in);
    std::string family;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        std::string line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.starts_with("# TYPE ")) {
            family = line.substr(7, line.find(' ', 7) - 7);
            continue;
        }
        if (line.starts_with("#")) continue;
        INFO(line);
        CHECK_FALSE(family.empty());
        CHECK(line.starts_with(family));
    }
}

TEST_CASE("label values are escaped") { CHECK(escapeLabelValue("a\"b\\c\nd") == "a\\\"b\\\\c\\nd"); }

TEST_CASE("status reports every stream, its lag and its last pass") {
    StatusInput in;
    in.version = "0.1.0";
    in.startedAt = "2024-05-01T00:00:00.000000Z";
    in.mirror = sampleMirror();
    in.intervalSecs = 300;
    in.baseUrl = "http://127.0.0.1:1/v2";
    in.now = *parseTimestamp("2024-05-01T00:01:10Z");
    json::value status = json::parse(renderStatus(in));
    const json::object& streams = status.at("sync").at("streams").as_object();
    CHECK(streams.size() == 3);
    CHECK(streams.at("rooms").at("lag_seconds").as_int64() == 60);
    CHECK(streams.at("sessions").at("lag_seconds").is_null());
    CHECK(streams.at("rooms").at("last_run").at("outcome").as_string() == "ok");
    CHECK(streams.at("rooms").at("last_run").at("inserted").as_int64() == 10);
    CHECK(streams.at("participants").at("last_run").is_null());
    CHECK(streams.at("rooms").at("live_records").as_int64() == 10);
    CHECK(status.at("database").at("schema_version").as_int64() == 2);
    CHECK(status.at("telnyx").at("rate_limit_remaining").is_null());
    CHECK(status.at("sync").at("interval_secs").as_int64() == 300);
}
