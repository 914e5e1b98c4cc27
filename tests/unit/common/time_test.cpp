#include <catch2/catch.hpp>

#include "common/time.hpp"

using namespace roomsd;
using namespace std::chrono;

TEST_CASE("timestamps from the spec's examples parse to the microsecond") {
    auto t = parseTimestamp("2021-04-16T09:46:20.954863Z");
    REQUIRE(t);
    CHECK(formatTimestamp(*t) == "2021-04-16T09:46:20.954863Z");
    CHECK(formatTimestamp(*t, 0) == "2021-04-16T09:46:20Z");
    CHECK(formatTimestamp(*t, 3) == "2021-04-16T09:46:20.954Z");
}

TEST_CASE("timestamps with offsets or fewer digits are the same instant") {
    auto utc = parseTimestamp("2021-04-16T09:46:20.500Z");
    auto offset = parseTimestamp("2021-04-16T11:46:20.5+02:00");
    auto compact = parseTimestamp("2021-04-16T04:46:20.500000-0500");
    REQUIRE(utc);
    REQUIRE(offset);
    REQUIRE(compact);
    CHECK(*utc == *offset);
    CHECK(*utc == *compact);
    CHECK(parseTimestamp("2021-04-16T09:46:20.123456789Z")->micros % 1000000 == 123456);
}

TEST_CASE("malformed timestamps are rejected") {
    for (const char* bad :
         {"", "2021-04-16", "2021-04-16T09:46:20", "2021-13-01T00:00:00Z", "2021-02-29T00:00:00Z",
          "2021-04-16T24:00:00Z", "2021-04-16T09:60:00Z", "2021-04-16T09:46:20.Z", "2021-04-16T09:46:20.1234567890Z",
          "2021-04-16T09:46:20Zjunk", "2021-04-16 09:46:20Z", "yesterday", "2021-04-16T09:46:20+25:00"}) {
        INFO(bad);
        CHECK_FALSE(parseTimestamp(bad));
    }
}

TEST_CASE("an offset that carries the instant outside the years 0000-9999 is not a timestamp") {
    CHECK_FALSE(parseTimestamp("9999-12-31T23:59:59-01:00"));
    CHECK_FALSE(normalizeTimestamp("9999-12-31T23:59:59-01:00"));
    CHECK_FALSE(parseTimestamp("0000-01-01T00:30:00+01:00"));
    CHECK(normalizeTimestamp("9999-12-31T22:59:59.5-01:00") == "9999-12-31T23:59:59.500000Z");
    CHECK(normalizeTimestamp("0000-01-01T01:00:00+01:00") == "0000-01-01T00:00:00.000000Z");
}

TEST_CASE("normalizeTimestamp keeps the API's own form and rewrites any other in it") {
    CHECK(normalizeTimestamp("2021-04-16T09:46:20.954863Z") == "2021-04-16T09:46:20.954863Z");
    CHECK(normalizeTimestamp("2021-04-16T09:46:20Z") == "2021-04-16T09:46:20.000000Z");
    CHECK(normalizeTimestamp("2021-04-16T01:30:00.25+02:00") == "2021-04-15T23:30:00.250000Z");
    CHECK(normalizeTimestamp("2021-04-16T09:46:20.123456789Z") == "2021-04-16T09:46:20.123456Z");
    CHECK_FALSE(normalizeTimestamp("not a time"));
    // Stored texts sort as the instants do, whatever form upstream used.
    CHECK(*normalizeTimestamp("2021-04-16T09:46:20Z") < *normalizeTimestamp("2021-04-16T09:46:20.5Z"));
}

TEST_CASE("calendar dates parse strictly and do arithmetic across months and years") {
    auto d = parseDate("2024-03-01");
    REQUIRE(d);
    CHECK(formatDate(addDays(*d, -1)) == "2024-02-29");
    CHECK(formatDate(addDays(*parseDate("2025-12-31"), 1)) == "2026-01-01");
    CHECK_FALSE(parseDate("2023-02-29"));
    CHECK_FALSE(parseDate("2023-2-01"));
    CHECK_FALSE(parseDate("2023-02-01T00:00:00Z"));
    CHECK(formatDate(dateOf(*parseTimestamp("2021-04-16T23:59:59.999999Z"))) == "2021-04-16");
    CHECK(formatDate(dateOf(*parseTimestamp("2021-04-16T23:30:00-01:00"))) == "2021-04-17");
    CHECK(formatTimestamp(startOf(*parseDate("1969-12-31")), 0) == "1969-12-31T00:00:00Z");
}
