#include "sync/cursor.hpp"

#include <algorithm>

namespace roomsd::sync {

const char* toString(PassMode mode) noexcept {
    switch (mode) {
    case PassMode::Backfill: return "backfill";
    case PassMode::Incremental: return "incremental";
    case PassMode::Reconcile: return "reconcile";
    }
    return "backfill";
}

Date filterDate(Timestamp cursor, Timestamp now, int lookbackDays) {
    Date day = std::min(dateOf(cursor), dateOf(now));
    return addDays(day, -lookbackDays);
}

PassPlan planPass(const store::StreamState& state, Timestamp now, const config::SyncConfig& sync) {
    auto cursor = state.cursor ? parseTimestamp(*state.cursor) : std::nullopt;
    if (!cursor) return PassPlan{PassMode::Backfill, std::nullopt};
    if (sync.reconcileEveryHours > 0) {
        auto lastFull = state.lastFullAt ? parseTimestamp(*state.lastFullAt) : std::nullopt;
        std::int64_t period = static_cast<std::int64_t>(sync.reconcileEveryHours) * 3600 * kMicrosPerSecond;
        if (!lastFull || now.micros - lastFull->micros >= period) return PassPlan{PassMode::Reconcile, std::nullopt};
    }
    return PassPlan{PassMode::Incremental, filterDate(*cursor, now, sync.lookbackDays)};
}

bool usableForCursor(Timestamp updatedAt, Timestamp now) {
    return updatedAt.micros <= now.micros + kFutureToleranceMicros;
}

std::optional<std::string> advanceCursor(const std::optional<std::string>& old, std::optional<Timestamp> maxSeen) {
    auto oldTs = old ? parseTimestamp(*old) : std::nullopt;
    if (!maxSeen) return old;
    if (oldTs && *oldTs >= *maxSeen) return old;
    return formatTimestamp(*maxSeen);
}

} // namespace roomsd::sync
