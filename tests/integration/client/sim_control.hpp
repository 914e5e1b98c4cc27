// Test helpers for the client's integration tests: telnyx-sim's /_sim control
// endpoints (faults, request log, account) and a capture of spdlog's output.
// Thread-safety: one test thread at a time; LogCapture swaps the process-wide default logger.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "support/sim.hpp"

namespace spdlog {
class logger;
}

namespace roomsd::test {

struct SimRequest {
    std::string method;
    std::string target; // "/v2/rooms?page%5Bnumber%5D=1&..."
    int status = 0;
    Timestamp at;
    bool authorized = false;
};

struct SimRequestLog {
    std::vector<SimRequest> requests; // oldest first
    std::int64_t connectionsAccepted = 0;
    // The requests whose target starts with `prefix` ("/v2/rooms").
    std::vector<SimRequest> to(const std::string& prefix) const;
};

// POST /_sim/faults {"faults": faults}; fails the test when the simulator refuses them.
void addFaults(const SimProcess& sim, const boost::json::array& faults);
// GET /_sim/requests.
SimRequestLog requestLog(const SimProcess& sim);
// DELETE /_sim/requests.
void clearRequestLog(const SimProcess& sim);
// GET /_sim/account: {"rooms":[...],"room_sessions":[...],"room_participants":[...]}.
boost::json::object simAccount(const SimProcess& sim);

// Milliseconds from `a` to `b`.
std::int64_t millisBetween(const Timestamp& a, const Timestamp& b);

// Routes everything spdlog logs (every level) into a string while alive, then restores the default logger.
class LogCapture {
public:
    LogCapture();
    ~LogCapture();
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    std::string text() const;

private:
    std::shared_ptr<std::ostringstream> out_;
    std::shared_ptr<spdlog::logger> previous_;
};

} // namespace roomsd::test
