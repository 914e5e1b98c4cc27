// telnyx-sim, started as a real process on a free loopback port for one test, and
// the ways tests reach it: its /v2 API with the key, and its /_sim control endpoints.
// Thread-safety: one owner per SimProcess; apiGet may be called from any thread (for
// SimControl, see sim_control.hpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/http.hpp"
#include "support/process.hpp"

namespace roomsd::test {

class SimControl;

class SimProcess {
public:
    // Starts build/bin/telnyx-sim with `args` (plus --port 0 and a random API key)
    // and waits until it prints the address it listens on.
    explicit SimProcess(const std::vector<std::string>& args = {"--rooms", "20", "--seed", "7"});
    ~SimProcess();

    const std::string& apiKey() const { return apiKey_; }
    // "http://127.0.0.1:PORT/v2": what roomsd's telnyx.base_url points at.
    std::string baseUrl() const;
    // "http://127.0.0.1:PORT": for /_sim control endpoints.
    std::string rootUrl() const;
    int port() const { return port_; }
    // The client of its /_sim control endpoints (include support/sim_control.hpp to use it).
    SimControl control() const;
    std::string log() const; // what the simulator wrote to stderr
    ChildProcess& process() { return *process_; }

private:
    TempDir dir_;
    std::string apiKey_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

// GET baseUrl() + `pathAndQuery` ("/rooms?page[size]=5") with the simulator's key.
HttpResponse apiGet(const SimProcess& sim, const std::string& pathAndQuery);

} // namespace roomsd::test
