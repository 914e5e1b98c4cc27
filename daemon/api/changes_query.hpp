// The query parameters of the change feed's routes (GET /changes, /changes/stream,
// /changes/snapshot), checked: a refusal names the parameter.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.hpp"
#include "model/records.hpp"

namespace roomsd::api {

enum class ChangesRoute { Page, Stream, Snapshot };
enum class ChangesFormat { Json, JsonLines };

struct ChangesQuery {
    std::int64_t since = 0;
    std::int64_t limit = 1000;                 // 1..10000
    const model::RecordSchema* kind = nullptr; // nullptr: every kind
    int waitSecs = 0;                          // 0..300
    ChangesFormat format = ChangesFormat::Json;
};

inline constexpr std::int64_t kMaxChangesLimit = 10'000;
inline constexpr int kMaxWaitSecs = 300;

// Parses `query` (without '?') for `route`: a parameter the route does not take, or a value
// out of range, is a Usage error whose parameter is the name. For the stream, `lastEventId`
// (the Last-Event-ID header, when not empty) overrides since.
Result<ChangesQuery> parseChangesQuery(ChangesRoute route, std::string_view query, std::string_view lastEventId = "");

} // namespace roomsd::api
