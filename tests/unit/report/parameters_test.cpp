// Report parameters: the period's defaults and checks, and binding declared parameters.
#include <catch2/catch.hpp>

#include "report/parameters.hpp"

using namespace roomsd;
using namespace roomsd::report;

namespace {

Timestamp at(const char* text) { return *parseTimestamp(text); }

std::string periodOf(ReportArguments args, const char* now = "2026-03-15T12:00:00Z") {
    auto p = resolvePeriod(args, at(now));
    if (!p) return p.error().message;
    return formatDate(p->from) + ".." + formatDate(p->to);
}

ReportDefinition withHours() {
    auto def = parseDefinition("-- title: T\n-- param: hours integer:1..100 24 h\n-- param: tag text none\n"
                               "SELECT :hours, :tag\n",
                               "t", "t.sql");
    REQUIRE(def);
    return *def;
}

} // namespace

TEST_CASE("the period defaults to last month, and one given end fills in the other") {
    CHECK(periodOf({}) == "2026-02-01..2026-02-28");
    CHECK(periodOf({}, "2026-01-01T00:00:00Z") == "2025-12-01..2025-12-31");
    CHECK(periodOf({.from = "2026-03-02"}) == "2026-03-02..2026-03-15");
    CHECK(periodOf({.to = "2026-02-10"}) == "2026-02-01..2026-02-10");
    CHECK(periodOf({.from = "2026-03-20"}) == "2026-03-20..2026-03-20");
}

TEST_CASE("bad dates and periods are one-line usage errors") {
    CHECK(periodOf({.from = "2026-02-30"}) == "--from: expected a date YYYY-MM-DD, got \"2026-02-30\"");
    CHECK(periodOf({.to = "yesterday"}) == "--to: expected a date YYYY-MM-DD, got \"yesterday\"");
    CHECK(periodOf({.from = "2026-03-02", .to = "2026-03-01"}) == "--from 2026-03-02 is after --to 2026-03-01");
    CHECK(periodOf({.from = "2000-01-01", .to = "2026-01-01"}).find("longer than 3660 days") != std::string::npos);
}

TEST_CASE(
    "the period runs from 00:00 of from to 00:00 after to and the report ends at the earlier of its end and now") {
    auto p = resolvePeriod({.from = "2026-03-01", .to = "2026-03-31"}, at("2026-03-15T12:00:00Z"));
    REQUIRE(p);
    CHECK(formatTimestamp(p->start) == "2026-03-01T00:00:00.000000Z");
    CHECK(formatTimestamp(p->end) == "2026-04-01T00:00:00.000000Z");
    CHECK(formatTimestamp(p->reportEnd) == "2026-03-15T12:00:00.000000Z");
}

TEST_CASE("declared parameters are bound typed with their defaults and unknown or bad ones are refused") {
    ReportDefinition def = withHours();
    auto period = resolvePeriod({}, at("2026-03-15T12:00:00Z"));
    REQUIRE(period);
    auto bound = bindReport(def, *period, {});
    REQUIRE(bound);
    auto value = [&](const BoundReport& b, const std::string& name) {
        for (const auto& v : b.values)
            if (v.name == name) return v.value;
        FAIL("no " << name);
        return store::SqlParam();
    };
    CHECK(value(*bound, ":hours") == store::SqlParam(std::int64_t{24}));
    CHECK(value(*bound, ":tag") == store::SqlParam());
    CHECK(value(*bound, ":period_start") == store::SqlParam(std::string("2026-02-01T00:00:00.000000Z")));

    auto given = bindReport(def, *period, {.params = {{"hours", "48"}, {"tag", "x"}}});
    REQUIRE(given);
    CHECK(value(*given, ":hours") == store::SqlParam(std::int64_t{48}));

    auto error = [&](ReportArguments args) {
        auto b = bindReport(def, *period, args);
        REQUIRE_FALSE(b);
        CHECK(b.error().kind == ErrorKind::Usage);
        return b.error().message;
    };
    CHECK(error({.params = {{"hour", "1"}}}) == "the report t has no parameter \"hour\" (it takes hours, tag)");
    CHECK(error({.params = {{"hours", "x"}}}) == "--param hours: expected an integer, got \"x\"");
    CHECK(error({.params = {{"hours", "0"}}}) == "--param hours: must be between 1 and 100, got 0");
    CHECK(error({.params = {{"hours", "2"}, {"hours", "3"}}}) == "--param hours is given twice");
    CHECK(error({.room = ""}).starts_with("--room: expected a room id"));
    CHECK(splitParam("hours").error().message == "--param: expected NAME=VALUE, got \"hours\"");
    CHECK(splitParam("a=b=c").value() == std::pair<std::string, std::string>{"a", "b=c"});
}
