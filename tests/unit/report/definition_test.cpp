// Report files: the header's keys, the checks against the mirror's schema, and a
// malformed file reported with its file and line while the others load.
#include <catch2/catch.hpp>

#include "report/catalog.hpp"
#include "report/prelude.hpp"
#include "report_fixture.hpp"

using namespace roomsd;
using namespace roomsd::report;

namespace {

std::string problemOf(const std::string& text, const std::string& file = "x.sql") {
    ReportCatalog catalog;
    CHECK_FALSE(catalog.add(text, file, "/etc/r/" + file, false));
    REQUIRE(catalog.problems().size() == 1);
    return catalog.problems().front();
}

} // namespace

TEST_CASE("a report file's header gives the title, description, parameters, chart, units and total") {
    auto def = parseDefinition("-- title: Minutes\n"
                               "-- description: One line,\n"
                               "-- description: and another.\n"
                               "-- a plain comment\n"
                               "-- param: hours integer:1..48 24 The threshold\n"
                               "-- param: label text none\n"
                               "-- chart: hbar name minutes\n"
                               "-- unit: minutes min\n"
                               "-- total: last-row\n"
                               "SELECT 1\n",
                               "minutes", "minutes.sql");
    REQUIRE(def);
    CHECK(def->title == "Minutes");
    CHECK(def->description == "One line, and another.");
    REQUIRE(def->params.size() == 2);
    CHECK(def->params[0].name == "hours");
    CHECK(def->params[0].type == ParamType::Integer);
    CHECK(def->params[0].max == 48);
    CHECK(def->params[0].defaultValue == "24");
    CHECK_FALSE(def->params[1].defaultValue);
    CHECK(def->chart.kind == ChartKind::HorizontalBar);
    CHECK(def->unitOf("minutes") == "min");
    CHECK(def->lastRowIsTotal);
    // The header's lines stay as empty lines, so the query starts on line 10 still.
    CHECK(def->sql == std::string(9, '\n') + "SELECT 1\n");
}

TEST_CASE("a malformed header is refused with the file and the line") {
    auto error = [](const std::string& text) {
        auto def = parseDefinition(text, "r", "r.sql");
        REQUIRE_FALSE(def);
        return def.error().message;
    };
    CHECK(error("-- title: A\n-- titel: B\nSELECT 1") == "r.sql:2: unknown header key \"titel\" (known: title, "
                                                         "description, param, chart, unit, total)");
    CHECK(error("SELECT 1") == "r.sql:1: the header has no `-- title: ...` line");
    CHECK(error("-- title: A\n") == "r.sql:1: the file has a header but no SQL query after it");
    CHECK(error("-- title: A\n-- param: n integer x\nSELECT 1")
              .starts_with("r.sql:2: param: n: default expected an "
                           "integer"));
    CHECK(error("-- title: A\n-- param: n float 1\nSELECT 1").starts_with("r.sql:2: param: n: the type"));
    CHECK(error("-- title: A\n-- param: from date 2026-01-01\nSELECT 1").find("standard parameter") !=
          std::string::npos);
    CHECK(error("-- title: A\n\n-- chart: pie a b\nSELECT 1").starts_with("r.sql:3: chart: the kind"));
    CHECK(error("-- title: A\n-- param: n integer:5..1 3\nSELECT 1").starts_with("r.sql:2: param: n: a range"));
}

TEST_CASE("a query SQLite refuses is reported at its line and so are undeclared parameters and unknown columns") {
    CHECK(problemOf("-- title: A\n\nSELECT day,\n  FROM report_days\n") ==
          "/etc/r/x.sql:4: near \"FROM\": syntax error");
    CHECK(problemOf("-- title: A\nSELECT * FROM no_such_table\n") == "/etc/r/x.sql:2: no such table: no_such_table");
    CHECK(problemOf("-- title: A\nSELECT :hours\n").find("/etc/r/x.sql:2: the query uses :hours") == 0);
    CHECK(problemOf("-- title: A\n-- chart: bar day nope\nSELECT day FROM report_days\n") ==
          "/etc/r/x.sql:1: chart: the query has no column nope");
    CHECK(problemOf("-- title: A\nSELECT 1; SELECT 2\n").find("exactly one SQL statement") != std::string::npos);
    CHECK(problemOf("-- title: A\nDELETE FROM rooms\n").find("may only read") != std::string::npos);
    CHECK(problemOf("-- title: A\nSELECT 1\n", "Bad_Name.sql").find("must be 1 to 64 lower-case") != std::string::npos);
    CHECK(problemOf("-- title: A\nSELECT 1\n", "all.sql").find("reserved") != std::string::npos);
}

TEST_CASE("the prelude goes in front of a query, merging with its own WITH, and keeps its line numbers") {
    std::string plain = withPrelude("\n\nSELECT 1");
    CHECK(plain.starts_with("\n\nWITH RECURSIVE report_day_list"));
    CHECK(plain.ends_with(" SELECT 1"));
    std::string own = withPrelude("-- c\nwith recursive x(n) AS (SELECT 1) SELECT n FROM x");
    CHECK(own.find("with recursive") == std::string::npos);
    CHECK(own.find(", x(n) AS (SELECT 1) SELECT n FROM x") != std::string::npos);
    CHECK(std::count(own.begin(), own.end(), '\n') == 1);
}

TEST_CASE("a catalog loads the good files of a folder and lists the bad ones, and a built-in's name stays the "
          "built-in's") {
    test::TempDir user;
    test::writeFile(user / "good.sql", "-- title: Good\nSELECT count(*) AS rooms FROM report_rooms\n");
    test::writeFile(user / "broken.sql", "-- title: Broken\nSELEC 1\n");
    test::writeFile(user / "usage-by-day.sql", "-- title: Mine\nSELECT 1\n");
    test::writeFile(user / "notes.txt", "not a report");
    ReportCatalog catalog = ReportCatalog::load(test::builtinSourceDir(), user.path());
    REQUIRE(catalog.find("good"));
    CHECK_FALSE(catalog.find("good")->builtin);
    CHECK_FALSE(catalog.find("broken"));
    CHECK(catalog.find("usage-by-day")->builtin);
    CHECK(catalog.find("usage-by-day")->title == "Usage by day");
    REQUIRE(catalog.problems().size() == 2);
    CHECK(catalog.problems()[0] == (user / "broken.sql").string() + ":2: near \"SELEC\": syntax error");
    CHECK(catalog.problems()[1] == (user / "usage-by-day.sql").string() +
                                       ": left out: a built-in report is named usage-by-day (rename the file)");
    CHECK(catalog.reports().size() == 9);

    ReportCatalog missing = ReportCatalog::load(user / "none", std::nullopt);
    CHECK(missing.problems().front().find("the folder of the built-in reports is missing") != std::string::npos);
}
