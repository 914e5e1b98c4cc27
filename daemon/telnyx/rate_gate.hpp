// RateGate: the one pause that every caller of a TelnyxClient honours.
//
// When the API says "too many requests" (or "0 remaining until the reset"), the
// next request of every thread waits for the reset, not only the next request of
// the thread that was told. The same wait also serves a caller's own backoff, so
// that a pause announced while it backs off is still honoured. Every wait ends
// early, with ErrorKind::Cancelled, when its stop_token is triggered.
// Thread-safety: all members may be called from any number of threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stop_token>

#include "common/result.hpp"

namespace roomsd::telnyx {

class RateGate {
public:
    using Clock = std::chrono::steady_clock;

    // Holds every caller's next request until `until`; a pause only ever gets longer.
    void pauseUntil(Clock::time_point until);

    // The end of the current pause, or nullopt when the gate is open.
    std::optional<Clock::time_point> pausedUntil() const;

    // Blocks until the gate is open and `notBefore` has passed (also when the gate
    // is paused further while waiting). ErrorKind::Cancelled as soon as `stop` is requested.
    Result<void> waitUntilOpen(std::stop_token stop, Clock::time_point notBefore = {});

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    Clock::time_point pausedUntil_{};
    std::uint64_t generation_ = 0; // bumped on each longer pause, so waiters re-read it
};

} // namespace roomsd::telnyx
