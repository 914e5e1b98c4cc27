// RateGate: the one pause, and the one pace, that every caller of a TelnyxClient honours.
//
// When the API says "too many requests" (or "0 remaining until the reset"), the
// next request of every thread waits for the reset, not only the next request of
// the thread that was told. The same wait also serves a caller's own backoff, so
// that a pause announced while it backs off is still honoured.
//
// Pacing keeps a hard limit from being reached at all: once the API has said how
// many requests a window allows (x-ratelimit-limit) and, through x-ratelimit-reset,
// about how long a window lasts, requests go out one slot apart, a slot being the
// window divided by one less than the limit (plus 2%), shared by every stream and
// every thread. In steady state no window, fixed or rolling, sees more than the limit,
// nor runs out (which would pause every request until the reset). Every wait ends
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

    // Learns the pace from one response's x-ratelimit-limit and x-ratelimit-reset (as a wait):
    // the window is the longest reset seen, at most `maxWindow`. A limit below 1 is ignored.
    void learnLimit(std::int64_t limit, std::chrono::milliseconds reset, std::chrono::milliseconds maxWindow);
    // The time between two requests' slots; zero until a limit was learned.
    Clock::duration spacing() const;

    // Blocks until the gate is open, the caller's slot has come (when paced) and `notBefore` has passed (also when the
    // gate is paused further while waiting). ErrorKind::Cancelled as soon as `stop` is requested.
    Result<void> waitUntilOpen(std::stop_token stop, Clock::time_point notBefore = {});

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    Clock::time_point pausedUntil_{};
    std::chrono::milliseconds window_{0}; // the longest x-ratelimit-reset seen
    Clock::duration spacing_{0};
    Clock::time_point nextSlot_{}; // the earliest time the next caller may go
    std::uint64_t generation_ = 0; // bumped on each longer pause, so waiters re-read it
};

} // namespace roomsd::telnyx
