// What the store's tests write: timestamps and records as the parser makes them from a list body.
// Thread-safety: pure functions.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/time.hpp"
#include "model/records.hpp"
#include "telnyx/parse.hpp"

namespace roomsd::test {

inline Timestamp at(const char* text) { return *parseTimestamp(text); }

// The records of a list body whose data array is `data`; every element must be usable.
inline std::vector<model::MirrorRecord> parseRecords(const model::RecordSchema& schema, const std::string& data) {
    auto page = telnyx::parseListPage(schema, "{\"data\":" + data + "}");
    REQUIRE(page);
    REQUIRE(page->rejected.empty());
    return std::move(page->records);
}

} // namespace roomsd::test
