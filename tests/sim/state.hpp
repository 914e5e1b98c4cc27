// SimulatorState: everything one running simulator knows and can change: the
// account, its live activity, the fault rules, the request log and the connection counter.
// Thread-safety: none; owned by the server and used from its one io_context thread.
#pragma once

#include <cstdint>
#include <utility>

#include "account.hpp"
#include "activity.hpp"
#include "faults.hpp"
#include "request_log.hpp"

namespace roomsd::sim {

struct SimulatorState {
    explicit SimulatorState(Account initial, ActivityOptions activityOptions = {}, std::uint64_t faultSeed = 1)
        : account(std::move(initial)), activity(activityOptions), faults(faultSeed) {}

    Account account;
    Activity activity;
    FaultPlan faults;
    RequestLog requests;
    std::uint64_t connectionsAccepted = 0;
};

} // namespace roomsd::sim
