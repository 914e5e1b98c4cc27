// Cursor and lookback arithmetic: what the next pass of a stream fetches.
//
// The API's date filters are calendar dates, so a pass re-fetches everything
// updated on the cursor's day (minus sync.lookback_days) and the upserts skip
// what did not change. The cursor only moves forward, never past "now" plus a
// small tolerance, so one record with a timestamp far in the future cannot
// make the mirror stop fetching.
// Thread-safety: pure functions.
#pragma once

#include <optional>

#include "common/time.hpp"
#include "store/sync_state.hpp"
#include "sync/sync_options.hpp"

namespace roomsd::sync {

using store::PassMode;

struct PassPlan {
    PassMode mode = PassMode::Backfill;
    std::optional<Date> updatedSince; // set for Incremental only
    bool full() const { return mode != PassMode::Incremental; }
};

// How far ahead of the local clock an upstream updated_at may be and still move the cursor.
inline constexpr std::int64_t kFutureToleranceMicros = 86400 * kMicrosPerSecond;

// The next pass of a stream in `state`, at `now`; `reconcile` asks for a full pass with the
// deletion check (a backfill when the stream was never synced) whatever the schedule says.
PassPlan planPass(const store::StreamState& state, Timestamp now, const SyncOptions& options, bool reconcile = false);

// Upstream's clock may lag, and a record may be committed after records stamped later:
// the day a pass re-reads is that of the cursor less this much.
inline constexpr std::int64_t kCursorSkewMicros = 15 * 60 * kMicrosPerSecond;

// The filter date of an incremental pass: the date of the cursor less kCursorSkewMicros
// (never later than today's) minus `lookbackDays`.
Date filterDate(Timestamp cursor, Timestamp now, int lookbackDays);

// Whether `updatedAt` may move a cursor at `now`.
bool usableForCursor(Timestamp updatedAt, Timestamp now);

// The cursor after a complete pass: the later of `old` and `maxSeen`.
std::optional<Timestamp> advanceCursor(std::optional<Timestamp> old, std::optional<Timestamp> maxSeen);

} // namespace roomsd::sync
