#include "sync/cursor.hpp"

#include <algorithm>

namespace roomsd::sync {

Date filterDate(Timestamp cursor, Timestamp now, int lookbackDays) {
    Date day = std::min(dateOf(Timestamp{cursor.micros - kCursorSkewMicros}), dateOf(now));
    return addDays(day, -lookbackDays);
}

PassPlan planPass(const store::StreamState& state, Timestamp now, const SyncOptions& options, bool reconcile) {
    const auto& cursor = state.cursor;
    if (!cursor) return PassPlan{PassMode::Backfill, std::nullopt};
    if (reconcile) return PassPlan{PassMode::Reconcile, std::nullopt};
    if (options.reconcileEveryHours > 0) {
        const auto& lastFull = state.lastFullAt;
        std::int64_t period = static_cast<std::int64_t>(options.reconcileEveryHours) * 3600 * kMicrosPerSecond;
        if (!lastFull || now.micros - lastFull->micros >= period) return PassPlan{PassMode::Reconcile, std::nullopt};
    }
    return PassPlan{PassMode::Incremental, filterDate(*cursor, now, options.lookbackDays)};
}

bool usableForCursor(Timestamp updatedAt, Timestamp now) {
    return updatedAt.micros <= now.micros + kFutureToleranceMicros;
}

std::optional<Timestamp> advanceCursor(std::optional<Timestamp> old, std::optional<Timestamp> maxSeen) {
    if (!maxSeen) return old;
    if (old && *old >= *maxSeen) return old;
    return maxSeen;
}

} // namespace roomsd::sync
