// Cursor and lookback arithmetic.
#include <catch2/catch.hpp>

#include "sync/cursor.hpp"

using namespace roomsd;
using namespace roomsd::sync;

namespace {
Timestamp at(const char* text) { return *parseTimestamp(text); }
// A cursor as the mirror stores it, for comparing with the text a person reads.
std::optional<std::string> text(std::optional<Timestamp> t) {
    if (!t) return std::nullopt;
    return formatTimestamp(*t);
}
SyncOptions syncConfig(int lookback, int reconcileHours) {
    SyncOptions c;
    c.lookbackDays = lookback;
    c.reconcileEveryHours = reconcileHours;
    return c;
}
} // namespace

TEST_CASE("no cursor means a backfill of everything") {
    auto plan = planPass({}, at("2026-11-26T12:00:00Z"), syncConfig(1, 24));
    CHECK(plan.mode == PassMode::Backfill);
    CHECK_FALSE(plan.updatedSince);
    CHECK(plan.full());
    // An unreadable cursor is no cursor: the store reads it as none (store_test.cpp).
    CHECK(planPass({std::nullopt, at("2026-11-26T06:00:00Z"), std::nullopt}, at("2026-11-26T12:00:00Z"),
                   syncConfig(1, 24))
              .mode == PassMode::Backfill);
}

TEST_CASE("an incremental pass filters on the cursor's date minus the lookback") {
    store::StreamState s{at("2026-11-26T09:00:00.000001Z"), at("2026-11-26T06:00:00Z"), std::nullopt};
    auto plan = planPass(s, at("2026-11-26T12:00:00Z"), syncConfig(1, 24));
    CHECK(plan.mode == PassMode::Incremental);
    REQUIRE(plan.updatedSince);
    CHECK(formatDate(*plan.updatedSince) == "2026-11-25");
    CHECK(formatDate(*planPass(s, at("2026-11-26T12:00:00Z"), syncConfig(0, 24)).updatedSince) == "2026-11-26");
    CHECK(formatDate(*planPass(s, at("2026-11-26T12:00:00Z"), syncConfig(7, 24)).updatedSince) == "2026-11-19");
}

TEST_CASE("the lookback crosses month and year boundaries") {
    CHECK(formatDate(filterDate(at("2026-03-01T00:20:00Z"), at("2026-03-01T01:00:00Z"), 1)) == "2026-02-28");
    CHECK(formatDate(filterDate(at("2024-03-01T23:59:59Z"), at("2024-03-02T01:00:00Z"), 1)) == "2024-02-29");
    CHECK(formatDate(filterDate(at("2027-01-01T00:30:00Z"), at("2027-01-01T05:00:00Z"), 1)) == "2026-12-31");
}

TEST_CASE("a cursor just past midnight still re-reads the day before, even without a lookback") {
    // A record stamped 23:59:59.999999 by a clock a little behind, or committed late, is
    // listed after records of the next day: the filter keeps its day.
    CHECK(formatDate(filterDate(at("2026-03-02T00:00:00.500000Z"), at("2026-03-02T01:00:00Z"), 0)) == "2026-03-01");
    CHECK(formatDate(filterDate(at("2026-03-02T00:14:59Z"), at("2026-03-02T01:00:00Z"), 0)) == "2026-03-01");
    CHECK(formatDate(filterDate(at("2026-03-02T00:15:00Z"), at("2026-03-02T01:00:00Z"), 0)) == "2026-03-02");
    CHECK(formatDate(filterDate(at("2026-03-01T23:59:59.999999Z"), at("2026-03-02T01:00:00Z"), 0)) == "2026-03-01");
}

TEST_CASE("a cursor ahead of the clock never moves the filter past today") {
    CHECK(formatDate(filterDate(at("2030-01-01T00:00:00Z"), at("2026-11-26T12:00:00Z"), 1)) == "2026-11-25");
}

TEST_CASE("a reconcile is due every reconcile_every_hours after the last full pass") {
    store::StreamState s{at("2026-11-26T10:00:00Z"), at("2026-11-25T12:00:00Z"), std::nullopt};
    CHECK(planPass(s, at("2026-11-26T11:59:59Z"), syncConfig(1, 24)).mode == PassMode::Incremental);
    CHECK(planPass(s, at("2026-11-26T12:00:00Z"), syncConfig(1, 24)).mode == PassMode::Reconcile);
    CHECK(planPass(s, at("2026-11-26T12:00:00Z"), syncConfig(1, 24)).full());
    // 0: never again after the first full pass.
    CHECK(planPass(s, at("2027-11-26T12:00:00Z"), syncConfig(1, 0)).mode == PassMode::Incremental);
    // A cursor without a recorded full pass reconciles.
    CHECK(planPass({at("2026-11-26T10:00:00Z"), std::nullopt, std::nullopt}, at("2026-11-26T12:00:00Z"),
                   syncConfig(1, 24))
              .mode == PassMode::Reconcile);
}

TEST_CASE("the cursor only moves forward") {
    CHECK(text(advanceCursor(std::nullopt, at("2026-11-26T10:00:00.5Z"))) == "2026-11-26T10:00:00.500000Z");
    CHECK(text(advanceCursor(at("2026-11-26T10:00:00Z"), at("2026-11-25T10:00:00Z"))) == "2026-11-26T10:00:00.000000Z");
    CHECK(text(advanceCursor(at("2026-11-26T10:00:00Z"), std::nullopt)) == "2026-11-26T10:00:00.000000Z");
    CHECK(text(advanceCursor(at("2026-11-26T10:00:00Z"), at("2026-11-26T10:00:01Z"))) == "2026-11-26T10:00:01.000000Z");
    CHECK_FALSE(advanceCursor(std::nullopt, std::nullopt));
}

TEST_CASE("timestamps far in the future do not move the cursor") {
    Timestamp now = at("2026-11-26T12:00:00Z");
    CHECK(usableForCursor(at("2026-11-26T12:00:00Z"), now));
    CHECK(usableForCursor(at("2026-11-27T11:59:59Z"), now)); // clock skew
    CHECK_FALSE(usableForCursor(at("2099-01-01T00:00:00Z"), now));
}
