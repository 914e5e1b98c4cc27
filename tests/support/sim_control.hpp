// The one client of telnyx-sim's /_sim control endpoints (see tests/sim/control.hpp):
// the account, record mutations, fault rules and the request log, typed, each call
// failing the test when the simulator refuses it; and a raw request for the
// simulator's own tests of those endpoints.
// Thread-safety: a SimControl holds only the simulator's address and each call makes
// its own connection, so request() may be called from any thread; the other calls
// fail the test through Catch, whose assertions belong on the test's own thread.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "common/time.hpp"
#include "support/http.hpp"
#include "support/sim.hpp"

namespace roomsd::test {

// One entry of GET /_sim/requests.
struct SimRequest {
    std::string method;
    std::string target; // as sent: "/v2/rooms?page%5Bnumber%5D=1&..."
    int status = 0;     // 0 when the simulator answered nothing (a close fault, a client that gave up)
    Timestamp at;
    bool authorized = false; // the request carried the right key
};

// GET /_sim/requests: the /v2 requests since the log was last cleared.
struct SimRequestLog {
    std::vector<SimRequest> requests;     // oldest first
    std::int64_t connectionsAccepted = 0; // since the simulator started; clearing the log keeps it
    // The requests whose target starts with `prefix` ("/v2/rooms").
    std::vector<SimRequest> to(const std::string& prefix) const;
};

class SimControl {
public:
    // `rootUrl`: "http://127.0.0.1:PORT", as SimProcess::rootUrl() gives it.
    explicit SimControl(std::string rootUrl);

    // GET /_sim/account: {"rooms":[...],"room_sessions":[...],"room_participants":[...]}.
    boost::json::object account() const;
    // POST /_sim/mutate with `body`; returns the record it answers (or {"deleted": id}).
    boost::json::value mutate(const boost::json::object& body) const;
    // POST /_sim/faults {"faults": faults}: appends the rules.
    void addFaults(const boost::json::array& faults) const;
    // DELETE /_sim/faults.
    void clearFaults() const;
    // GET /_sim/requests.
    SimRequestLog requestLog() const;
    // DELETE /_sim/requests.
    void clearRequestLog() const;

    // Any request to a control endpoint, answered as is: for the tests of the endpoints themselves.
    HttpResponse request(const std::string& method, const std::string& path, const std::string& body = "") const;

private:
    // `method` `path` with `body`, which must answer 200 (the test fails with the answer otherwise).
    HttpResponse require200(const std::string& method, const std::string& path, const std::string& body = "") const;

    std::string rootUrl_;
};

// Defined here, not in sim.cpp, so that only the tests that use the client link it
// (and Catch with it): the benchmarks start simulators too.
inline SimControl SimProcess::control() const { return SimControl(rootUrl()); }

} // namespace roomsd::test
