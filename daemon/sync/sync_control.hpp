// SyncControl: what the query API may see of, and ask of, the sync engine.
//
// The API reads the persisted sync state from the database itself; this adds
// what only the running process knows (a pass in progress, the next pass,
// counters since start) and lets a client ask for a pass now.
// It is a header-only target of its own (roomsd_sync_control), so the query API
// links it without the sync engine, the HTTP client or the configuration.
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "store/sync_run.hpp"

namespace roomsd::sync {

// Totals since the process started, for /metrics.
struct StreamCounters {
    std::map<store::PassOutcome, std::uint64_t> passesByOutcome;
    store::RunCounters totals;         // every counter of the stream's passes, added up
    double lastPassSeconds = 0;        // duration of the last finished pass
    double lastSuccessUnixSeconds = 0; // end of the last ok/held pass, 0 if none
};

// The HTTP client's totals since start.
struct UpstreamCounters {
    std::uint64_t requests = 0; // attempts, retries included
    std::uint64_t retries = 0;
    std::map<int, std::uint64_t> byStatus; // 0 = no HTTP response (connection error, timeout)
    std::int64_t rateLimitRemaining = -1;  // last x-ratelimit-remaining seen, -1 if never
};

struct SyncActivity {
    bool running = false;
    std::optional<Timestamp> runningSince; // start of the pass in progress
    std::optional<Timestamp> nextPassAt;   // when the scheduler starts the next pass
    std::map<std::string, StreamCounters> streams;
    UpstreamCounters client; // requests to the Telnyx API since start
    // While the Telnyx API rejects the key (401/403): the last pass's message, which names
    // where the key came from. Cleared by the next pass that gets past authentication.
    std::optional<std::string> credentialsRejected;
};

// What a pass of every stream is asked to be.
struct RunRequest {
    // A full listing of every stream with the deletion check (a reconcile), whatever the
    // schedule says; a stream never synced is backfilled, which is one already.
    bool reconcile = false;
};

class SyncControl {
public:
    virtual ~SyncControl() = default;
    enum class Trigger { Started, AlreadyRunning, ShuttingDown };
    // Starts a pass of every stream now, unless one runs. A reconcile asked for while a
    // scheduled pass waits to start makes that pass a reconcile.
    virtual Trigger requestPass(RunRequest request) = 0;
    virtual SyncActivity activity() const = 0;
};

} // namespace roomsd::sync
