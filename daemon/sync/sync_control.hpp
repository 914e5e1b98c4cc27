// SyncControl: what the query API may see of, and ask of, the sync engine.
//
// The API reads the persisted sync state from the database itself; this adds
// what only the running process knows (a pass in progress, the next pass,
// counters since start) and lets a client ask for a pass now.
// Thread-safety: every member may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "telnyx/client.hpp"

namespace roomsd::sync {

// Totals since the process started, for /metrics.
struct StreamCounters {
    std::map<std::string, std::uint64_t> passesByOutcome; // ok, held, failed, cancelled
    std::uint64_t inserted = 0;
    std::uint64_t updated = 0;
    std::uint64_t unchanged = 0;
    std::uint64_t deleted = 0;
    std::uint64_t embeddedWritten = 0; // a room's embedded sessions, written by the rooms stream
    std::uint64_t errors = 0;
    double lastPassSeconds = 0;        // duration of the last finished pass
    double lastSuccessUnixSeconds = 0; // end of the last ok/held pass, 0 if none
};

struct SyncActivity {
    bool running = false;
    std::optional<std::string> runningSince; // start of the pass in progress
    std::optional<std::string> nextPassAt;   // when the scheduler starts the next pass
    std::map<std::string, StreamCounters> streams;
    telnyx::ClientStatsSnapshot client; // requests to the Telnyx API since start
};

class SyncControl {
public:
    virtual ~SyncControl() = default;
    enum class Trigger { Started, AlreadyRunning, ShuttingDown };
    // Starts a pass of every stream now, unless one runs.
    virtual Trigger requestPass() = 0;
    virtual SyncActivity activity() const = 0;
};

} // namespace roomsd::sync
