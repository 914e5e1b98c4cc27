// telnyx-sim, started as a real process on a free loopback port for one test.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace roomsd::test {

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
    std::string log() const; // what the simulator wrote to stderr
    ChildProcess& process() { return *process_; }

private:
    TempDir dir_;
    std::string apiKey_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> process_;
};

} // namespace roomsd::test
