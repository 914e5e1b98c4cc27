// SyncOptions: what the sync engine needs to know of the configuration.
//
// app/ maps config::Config onto it, so sync does not depend on the config
// module's structs or on how the YAML names things.
// Thread-safety: a plain value.
#pragma once

#include <chrono>
#include <cstdint>

namespace roomsd::sync {

struct SyncOptions {
    int pageSize = 250;                       // records per list request, 1..250
    int maxInFlight = 4;                      // concurrent list requests of one walk
    int lookbackDays = 1;                     // days re-read before the cursor's date
    int reconcileEveryHours = 24;             // a full pass every N hours; 0: only the first (backfill)
    int syncRunsRetentionDays = 30;           // sync_runs rows older than this are dropped
    int changesRetainDays = 7;                // change_log rows older than this are trimmed ...
    std::int64_t changesRetainCount = 100000; // ... and all but the newest this many (consumers' unacked kept)
};

} // namespace roomsd::sync
