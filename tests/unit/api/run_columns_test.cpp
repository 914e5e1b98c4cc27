// Each sync_runs column is described once (store/sync_run.hpp) and reaches every
// place a person reads it: the table itself, GET /status, /metrics and roomsctl's
// CSV. A column added to the table but not to the description, or dropped by one
// of the renderers, fails here.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <algorithm>
#include <set>

#include "api/metrics.hpp"
#include "api/status.hpp"
#include "ctl/render.hpp"
#include "store/database.hpp"
#include "store/sync_run.hpp"
#include "support/process.hpp"

using namespace roomsd;
namespace json = boost::json;

namespace {

store::SyncRun everyColumnSet() {
    store::SyncRun run;
    run.stream = "rooms";
    run.mode = store::PassMode::Incremental;
    run.filterDate = parseDate("2026-05-30");
    run.startedAt = *parseTimestamp("2026-06-01T12:00:00Z");
    run.finishedAt = *parseTimestamp("2026-06-01T12:00:05Z");
    run.outcome = store::PassOutcome::Held;
    run.message = "moved";
    std::int64_t n = 1;
    for (const auto& c : store::counterColumns()) run.counters.*c.member = n++;
    run.cursorBefore = parseTimestamp("2026-05-31T00:00:00Z");
    run.cursorAfter = parseTimestamp("2026-05-31T00:00:00Z");
    return run;
}

std::vector<std::string> described() {
    std::vector<std::string> names;
    for (std::string_view n : store::runColumnNames()) names.emplace_back(n);
    return names;
}

} // namespace

TEST_CASE("the sync_runs table has exactly the described columns, in order") {
    test::TempDir dir;
    auto db = store::openWriter(dir / "mirror.db");
    SQLite::Statement q(db, "SELECT name FROM pragma_table_info('sync_runs') WHERE name <> 'id' ORDER BY cid");
    std::vector<std::string> table;
    while (q.executeStep()) table.push_back(q.getColumn(0).getString());
    CHECK(table == described());
}

TEST_CASE("GET /status's last_run carries every column but the stream it is listed under") {
    api::StatusInput in;
    in.version = "test";
    store::StreamOverview rooms;
    rooms.schema = &model::roomsSchema();
    rooms.lastRun = everyColumnSet();
    in.mirror.streams.push_back(rooms);
    json::value status = json::parse(api::renderStatus(in));
    const json::object& run = status.at("sync").at("streams").at("rooms").at("last_run").as_object();
    std::vector<std::string> keys;
    for (const auto& [key, value] : run) keys.emplace_back(key);
    std::vector<std::string> expected = described();
    expected.erase(std::find(expected.begin(), expected.end(), "stream"));
    CHECK(keys == expected);
    for (const auto& c : store::counterColumns())
        CHECK(run.at(c.name).as_int64() == everyColumnSet().counters.*c.member);

    SECTION("and roomsctl's CSV of that status has a last_run_ column for each") {
        std::string csv = ctl::statusCsv(status.as_object());
        std::string header = csv.substr(0, csv.find("\r\n"));
        for (const auto& name : expected) {
            INFO(name);
            CHECK(header.find("last_run_" + name) != std::string::npos);
        }
    }
}

TEST_CASE("/metrics exports a total of every counter for every stream") {
    api::MetricsInput in;
    in.version = "test";
    sync::StreamCounters counters;
    counters.totals = everyColumnSet().counters;
    in.activity.streams["rooms"] = counters;
    std::string text = api::renderMetrics(in);
    for (const auto& c : store::counterColumns()) {
        std::string sample = std::string(c.metric) + "{stream=\"rooms\"";
        if (!c.metricOp.empty()) sample += ",op=\"" + std::string(c.metricOp) + "\"";
        sample += "} " + std::to_string(counters.totals.*c.member) + "\n";
        INFO(sample);
        CHECK(text.find(sample) != std::string::npos);
        CHECK(text.find("# TYPE " + std::string(c.metric) + " counter\n") != std::string::npos);
    }
}
