// Each built-in report computed on the hand-made mirror of report_fixture.hpp, whose
// answers were worked out by hand: sessions spanning midnight, participants still
// present, deleted records, clipping at the period's edges.
#include <catch2/catch.hpp>

#include "report_fixture.hpp"

using namespace roomsd;
using namespace roomsd::test;
namespace json = boost::json;

namespace {

double number(const json::value& v) { return v.is_int64() ? static_cast<double>(v.as_int64()) : v.as_double(); }

// The rows as [column values...] for the named columns.
std::vector<std::vector<std::string>> rowsOf(const json::object& doc, const std::vector<std::string>& columns) {
    std::vector<std::vector<std::string>> out;
    for (const auto& row : doc.at("rows").as_array()) {
        std::vector<std::string> cells;
        for (const auto& c : columns) {
            const json::value& v = row.as_object().at(c);
            if (v.is_string())
                cells.emplace_back(v.as_string());
            else if (v.is_null())
                cells.emplace_back("null");
            else
                cells.push_back(std::to_string(number(v)).substr(0, std::to_string(number(v)).find('.') + 3));
        }
        out.push_back(std::move(cells));
    }
    return out;
}

using Rows = std::vector<std::vector<std::string>>;

} // namespace

TEST_CASE("usage-by-day splits participant-minutes at UTC midnight, clips them to the period and counts each day") {
    ReportFixture fixture;
    json::object doc = fixture.json("usage-by-day", fixturePeriod());
    // 10th: s1, s6, s7 started (s4's room is deleted); p1 60 + p2 30 + p4 60 (clipped at the start) = 150.
    // 11th: s2 (s5 is deleted); p1 30 + p2 50 + p3 840 (still present, to the end) + p9 10 = 930.
    CHECK(rowsOf(doc, {"day", "sessions_started", "unique_participants", "participant_minutes"}) ==
          Rows{{"2026-03-10", "3.00", "3.00", "150.00"}, {"2026-03-11", "1.00", "4.00", "930.00"}});
    const json::object& total = doc.at("total").as_object();
    CHECK(total.at("day") == "Total");
    CHECK(number(total.at("sessions_started")) == 4);
    CHECK(number(total.at("unique_participants")) == 5); // p1, p2, p3, p4, p9: each once
    CHECK(number(total.at("participant_minutes")) == Approx(1080));
    CHECK(doc.at("synced_at") == "2026-03-31T12:00:00.000000Z");
    CHECK(doc.at("period").at("end") == "2026-03-12T00:00:00.000000Z");
}

TEST_CASE("a participant still present counts until the report's end when the period has not ended yet") {
    ReportFixture fixture;
    json::object doc = fixture.json("usage-by-day", fixturePeriod(), "2026-03-11T12:00:00Z");
    // p3 from 10:00 to 12:00, the moment of the report.
    CHECK(rowsOf(doc, {"day", "participant_minutes"}) == Rows{{"2026-03-10", "150.00"}, {"2026-03-11", "210.00"}});
    CHECK(doc.at("period").at("report_end") == "2026-03-11T12:00:00.000000Z");
}

TEST_CASE("the room argument keeps one room's sessions and participants") {
    ReportFixture fixture;
    auto args = fixturePeriod();
    args.room = "room-alpha";
    json::object doc = fixture.json("usage-by-day", args);
    CHECK(rowsOf(doc, {"day", "sessions_started", "unique_participants", "participant_minutes"}) ==
          Rows{{"2026-03-10", "1.00", "3.00", "150.00"}, {"2026-03-11", "0.00", "3.00", "90.00"}});
    args.room = "room-gamma"; // deleted
    CHECK(fixture.error("usage-by-day", args).kind == ErrorKind::NotFound);
}

TEST_CASE("top-rooms ranks rooms by participant-minutes, largest first, with a total of every room") {
    ReportFixture fixture;
    json::object doc = fixture.json("top-rooms", fixturePeriod());
    CHECK(rowsOf(doc, {"room_id", "unique_name", "sessions", "participants", "participant_minutes"}) ==
          Rows{{"room-beta", "beta <&>", "3.00", "1.00", "840.00"}, {"room-alpha", "alpha", "1.00", "4.00", "240.00"}});
    CHECK(number(doc.at("total").at("participant_minutes")) == Approx(1080));
    auto args = fixturePeriod();
    args.params = {{"limit", "1"}};
    json::object limited = fixture.json("top-rooms", args);
    CHECK(limited.at("rows").as_array().size() == 1);
    CHECK(number(limited.at("total").at("sessions")) == 4); // the total still covers every room
}

TEST_CASE("session-durations buckets the ended sessions created in the period, with median, p90 and maximum") {
    ReportFixture fixture;
    json::object doc = fixture.json("session-durations", fixturePeriod());
    // s6 3 min, s7 20 min, s1 110 min; s2 still runs, s3 started before, s4 and s5 are deleted.
    Rows rows = rowsOf(doc, {"bucket", "sessions", "median_minutes"});
    CHECK(rows.size() == 8);
    CHECK(rows[0] == std::vector<std::string>{"under 5 min", "1.00", "3.00"});
    CHECK(rows[2] == std::vector<std::string>{"15-30 min", "1.00", "20.00"});
    CHECK(rows[4] == std::vector<std::string>{"1-2 h", "1.00", "110.00"});
    CHECK(rows[7] == std::vector<std::string>{"8 h and more", "0.00", "null"});
    const json::object& all = doc.at("total").as_object();
    CHECK(all.at("bucket") == "All ended sessions");
    CHECK(number(all.at("sessions")) == 3);
    CHECK(number(all.at("median_minutes")) == Approx(20));
    CHECK(number(all.at("p90_minutes")) == Approx(110));
    CHECK(number(all.at("max_minutes")) == Approx(110));
}

TEST_CASE(
    "peak-concurrency finds the most participants at one instant and leaving and joining at once do not overlap") {
    ReportFixture fixture;
    json::object doc = fixture.json("peak-concurrency", fixturePeriod());
    // alpha: p1 and p2 from 23:30; at 00:30 p1 leaves as p9 joins, so never 3.
    CHECK(rowsOf(doc, {"unique_name", "peak_participants", "peak_at"}) ==
          Rows{{"alpha", "2.00", "2026-03-10T23:30:00.000000Z"}, {"beta <&>", "1.00", "2026-03-11T10:00:00.000000Z"}});
}

TEST_CASE("recording-rooms and webhook-audit report the live rooms' configuration") {
    ReportFixture fixture;
    CHECK(rowsOf(fixture.json("recording-rooms", fixturePeriod()), {"room_id", "sessions_in_period"}) ==
          Rows{{"room-alpha", "1.00"}}); // gamma records too, but is deleted
    CHECK(rowsOf(fixture.json("webhook-audit", fixturePeriod()), {"room_id", "problems"}) ==
          Rows{{"room-beta", "no webhook URL; no failover URL; timeout outside 0..30 s"}});
}

TEST_CASE("stale-active-sessions lists sessions active for longer than the threshold") {
    ReportFixture fixture;
    CHECK(rowsOf(fixture.json("stale-active-sessions", fixturePeriod()), {"session_id", "active_hours"}) ==
          Rows{{"s2", "494.00"}});
    auto args = fixturePeriod();
    args.params = {{"hours", "500"}};
    CHECK(fixture.json("stale-active-sessions", args).at("rows").as_array().empty());
}

TEST_CASE("sync-health counts each stream's passes in the period by outcome") {
    ReportFixture fixture;
    CHECK(
        rowsOf(fixture.json("sync-health", fixturePeriod()), {"stream", "passes", "ok", "held", "failed", "retries"}) ==
        Rows{{"rooms", "2.00", "1.00", "0.00", "1.00", "2.00"},
             {"sessions", "1.00", "0.00", "1.00", "0.00", "1.00"},
             {"participants", "0.00", "0.00", "0.00", "0.00", "0.00"}});
}

TEST_CASE("report all renders every built-in report on one page, and refuses CSV") {
    ReportFixture fixture;
    std::string html = fixture.render("all", fixturePeriod(), report::OutputFormat::Html);
    for (const auto& def : fixture.catalog().reports())
        CHECK(html.find("id=\"" + def.name + "\"") != std::string::npos);
    CHECK(fixture.error("all", fixturePeriod(), report::OutputFormat::Csv).kind == ErrorKind::Usage);
    auto args = fixturePeriod();
    args.params = {{"hours", "1"}};
    CHECK(fixture.json("all", args).at("reports").as_array().size() == 8);
    args.params = {{"nope", "1"}};
    CHECK(fixture.error("all", args).message.find("nope") != std::string::npos);
}
