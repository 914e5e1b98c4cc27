// The outputs on the hand-made mirror: CSV, JSON, the terminal table and the HTML page.
#include <catch2/catch.hpp>

#include <algorithm>
#include <regex>

#include "report/chart_svg.hpp"
#include "report/render.hpp"
#include "report_fixture.hpp"

using namespace roomsd;
using namespace roomsd::test;

TEST_CASE("CSV has a header row, CRLF line ends and RFC 4180 quoting, the total as its last row") {
    ReportFixture fixture;
    std::string csv = fixture.render("top-rooms", fixturePeriod(), report::OutputFormat::Csv);
    CHECK(csv == "room_id,unique_name,sessions,participants,participant_minutes\r\n"
                 "room-beta,beta <&>,3,1,840\r\n"
                 "room-alpha,alpha,1,4,240\r\n"
                 ",Total,4,5,1080\r\n");
}

TEST_CASE("the terminal table aligns numbers right and names each column's unit") {
    ReportFixture fixture;
    std::string text = fixture.render("usage-by-day", fixturePeriod(), report::OutputFormat::Table);
    CHECK(text.starts_with("Usage by day: 2026-03-10 to 2026-03-11 (UTC)\nmirror synced at "
                           "2026-03-31T12:00:00.000000Z\n\n"));
    CHECK(text.find("participant_minutes (minutes)") != std::string::npos);
    CHECK(std::regex_search(text, std::regex("\n2026-03-11 {17}1 {20}4 {28}930\n")));
    CHECK(std::regex_search(text, std::regex("\nTotal {22}4 {20}5 {27}1080\n")));
}

TEST_CASE("the HTML page is self-contained under a strict policy, escapes every value and draws each chart") {
    ReportFixture fixture;
    std::string html = fixture.render("all", fixturePeriod(), report::OutputFormat::Html);
    CHECK(html.starts_with("<!DOCTYPE html>"));
    CHECK(html.find("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
                    "'unsafe-inline';") != std::string::npos);
    // Nothing that could load anything: no script, no link, no image, no URL but the SVG namespace.
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("url(") == std::string::npos);
    std::string withoutNamespace = std::regex_replace(html, std::regex("xmlns=\"http://www.w3.org/2000/svg\""), "");
    CHECK(withoutNamespace.find("http://") == std::string::npos);
    CHECK(withoutNamespace.find("https://h.example") == std::string::npos); // alpha is not in the webhook audit
    // A name with markup in it is text.
    CHECK(html.find("beta &lt;&amp;&gt;") != std::string::npos);
    CHECK(html.find("beta <&>") == std::string::npos);
    // The freshness, and a warning as the mirror was synced after the period: none.
    CHECK(html.find("2026-03-31 12:00 UTC") != std::string::npos);
    CHECK(html.find("class=\"warning\"") == std::string::npos);
    // usage-by-day 2 days, top-rooms 2 rooms, session-durations 8 buckets, peak-concurrency 2 rooms.
    auto marks = [](const std::string& s) {
        std::ptrdiff_t n = 0;
        for (std::size_t at = s.find("class=\"mark\""); at != std::string::npos; at = s.find("class=\"mark\"", at + 1))
            ++n;
        return n;
    };
    CHECK(marks(html) == 2 + 2 + 8 + 2);
}

TEST_CASE("a mirror synced before the report's end is flagged on the page") {
    ReportFixture fixture;
    auto args = fixturePeriod();
    args.from = "2026-03-30";
    args.to = "2026-04-02";
    std::string html = fixture.render("usage-by-day", args, report::OutputFormat::Html, "2026-04-05T00:00:00Z");
    CHECK(html.find("class=\"warning\">The mirror was last synced at 2026-03-31 12:00 UTC, before the end of this "
                    "report") != std::string::npos);
}

TEST_CASE("JSON gives the period, the parameters, typed columns with units, the rows and the total apart") {
    ReportFixture fixture;
    auto doc = fixture.json("top-rooms", fixturePeriod());
    CHECK(doc.at("report") == "top-rooms");
    CHECK(doc.at("period").at("from") == "2026-03-10");
    CHECK(doc.at("parameters").at("limit") == "0");
    CHECK(doc.at("columns").at(4).at("unit") == "minutes");
    CHECK(doc.at("rows").as_array().size() == 2);
    CHECK(doc.at("total").at("unique_name") == "Total");
    std::string text = fixture.render("usage-by-day", fixturePeriod(), report::OutputFormat::Json);
    CHECK(text.find("\"participant_minutes\":930}") != std::string::npos); // a figure as written, not 9.3E2
}
