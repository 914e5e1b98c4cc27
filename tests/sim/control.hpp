// The /_sim control endpoints: what tests use to look at and steer a running simulator.
//
//   GET    /_sim/account   every record, as its by-id endpoint renders it, in the documented order
//   GET    /_sim/faults    the fault rules and the uses they have left
//   POST   /_sim/faults    {"faults":[rule, ...]} appends rules (see faults.hpp)
//   DELETE /_sim/faults    removes every rule
//   GET    /_sim/requests  the last requests to /v2 and the number of connections accepted
//   DELETE /_sim/requests  empties the request log (not the connection counter)
//   POST   /_sim/mutate    {"op":"update"|"delete"|"create", "stream":..., ...} changes one record
//   GET    /_sim/activity  the activity's triggers, switch and count of changes applied
//   POST   /_sim/activity  {"changes":K} applies K changes now and answers them
//   PUT    /_sim/activity  {"every_requests":N,"interval_ms":M,"changes":K,"bumps_parents":b} sets the triggers
//   GET    /_sim/order     {"order":"newest-first"}
//   PUT    /_sim/order     {"order":...} re-sorts every list
//
// Bodies are JSON both ways; errors are {"error":"..."} with 404, 405 or 422. They need no
// API key, never count toward rate limits and are never hit by faults.
// Thread-safety: changes `state`; the caller serialises access.
#pragma once

#include <string>
#include <string_view>

#include "common/time.hpp"
#include "state.hpp"

namespace roomsd::sim {

struct ControlReply {
    unsigned status = 200;
    std::string body;
};

// Answers `method` `target` (path and query, starting with "/_sim") with request body `body`.
ControlReply answerControlRequest(SimulatorState& state, std::string_view method, std::string_view target,
                                  std::string_view body, Timestamp now);

} // namespace roomsd::sim
