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
    // The last pass as it ended, also when sync_runs could not take it (a full disk).
    std::optional<store::SyncRun> lastRun;
};

// The HTTP client's totals since start.
struct UpstreamCounters {
    std::uint64_t requests = 0; // attempts, retries included
    std::uint64_t retries = 0;
    std::map<int, std::uint64_t> byStatus; // 0 = no HTTP response (connection error, timeout)
    std::int64_t rateLimitRemaining = -1;  // last x-ratelimit-remaining seen, -1 if never
};

// The pass in progress: which stream, how far, how fast.
struct PassProgressSnapshot {
    std::string stream;
    store::PassMode mode = store::PassMode::Backfill;
    std::string phase = "listing"; // or "checking unseen records by id"
    int walk = 1;                  // walks of the listing so far (more when it moved)
    std::int64_t pagesDone = 0;    // pages of the current walk read
    std::int64_t pagesTotal = -1;  // pages the listing says it has, -1 when it does not say
    std::int64_t records = 0;      // records seen by the pass so far
    std::int64_t requests = 0;     // requests the pass has made so far
    Timestamp startedAt{};
    Timestamp walkStartedAt{};
    double recordsPerSecond = 0;
    std::optional<double> secondsLeft; // of the current walk, when the page count is known
};

struct SyncActivity {
    bool running = false;
    std::optional<Timestamp> runningSince;        // start of the pass in progress
    std::optional<Timestamp> nextPassAt;          // when the scheduler starts the next pass
    std::optional<PassProgressSnapshot> progress; // the stream pass in progress
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
