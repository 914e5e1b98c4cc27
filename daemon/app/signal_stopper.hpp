// SignalStopper: SIGINT/SIGTERM as a stop request, for the binaries' blocking runs
// (roomsd --once, roomsd-replicate).
//
// A thread waits for the signals (blocked in every thread from construction on, since a
// signal handler may not touch a stop_source) and requests the stop; SIGUSR2 only wakes it
// at destruction. The first signal stops; later ones stay blocked.
// Thread-safety: construct before starting other threads; received() from any thread.
#pragma once

#include <atomic>
#include <stop_token>
#include <thread>

namespace roomsd::app {

class SignalStopper {
public:
    explicit SignalStopper(std::stop_source& source);
    ~SignalStopper();
    SignalStopper(const SignalStopper&) = delete;
    SignalStopper& operator=(const SignalStopper&) = delete;

    // The signal that stopped the run (SIGINT, SIGTERM), or 0.
    int received() const { return received_.load(); }

private:
    std::atomic<int> received_{0};
    std::jthread thread_; // last: it stops before received_ goes
};

} // namespace roomsd::app
