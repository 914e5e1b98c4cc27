// SyncOptions: what the sync engine needs to know of the configuration.
//
// app/ maps config::Config onto it, so sync does not depend on the config
// module's structs or on how the YAML names things.
// Thread-safety: a plain value.
#pragma once

#include <chrono>

namespace roomsd::sync {

struct SyncOptions {
    int pageSize = 250;             // records per list request, 1..250
    int maxInFlight = 4;            // concurrent list requests of one walk
    int lookbackDays = 1;           // days re-read before the cursor's date
    int reconcileEveryHours = 24;   // a full pass every N hours; 0: only the first (backfill)
    int syncRunsRetentionDays = 30; // sync_runs rows older than this are dropped
};

} // namespace roomsd::sync
