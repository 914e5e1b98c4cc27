#include "telnyx/rate_gate.hpp"

#include <algorithm>

namespace roomsd::telnyx {

void RateGate::pauseUntil(Clock::time_point until) {
    {
        std::lock_guard lock(mutex_);
        if (until <= pausedUntil_) return;
        pausedUntil_ = until;
        ++generation_;
    }
    changed_.notify_all();
}

std::optional<RateGate::Clock::time_point> RateGate::pausedUntil() const {
    std::lock_guard lock(mutex_);
    if (pausedUntil_ <= Clock::now()) return std::nullopt;
    return pausedUntil_;
}

void RateGate::learnLimit(std::int64_t limit, std::chrono::milliseconds reset, std::chrono::milliseconds maxWindow) {
    if (limit < 1) return;
    std::lock_guard lock(mutex_);
    window_ = std::min(std::max(window_, reset), maxWindow);
    // One request less than the limit per window, so that a window never runs out (which
    // would pause everyone until a reset rounded up to whole seconds), and 2% to spare for clocks.
    spacing_ =
        std::chrono::duration_cast<Clock::duration>(window_) * 102 / (100 * std::max<std::int64_t>(limit - 1, 1));
}

RateGate::Clock::duration RateGate::spacing() const {
    std::lock_guard lock(mutex_);
    return spacing_;
}

Result<void> RateGate::waitUntilOpen(std::stop_token stop, Clock::time_point notBefore) {
    // Taking the mutex before notifying means the stop cannot slip in between a
    // waiter's check of stop_requested() and its going to sleep. The callback is
    // declared before the lock: it runs at once when the stop was already requested,
    // and its destructor waits for a running callback, which needs the mutex free.
    std::stop_callback wakeOnStop(stop, [this] {
        { std::lock_guard guard(mutex_); }
        changed_.notify_all();
    });
    std::unique_lock lock(mutex_);
    while (true) {
        if (stop.stop_requested()) return fail(ErrorKind::Cancelled, "stopped while waiting to send a request");
        Clock::time_point until = std::max({notBefore, pausedUntil_, nextSlot_});
        Clock::time_point now = Clock::now();
        if (now >= until) {
            if (spacing_ > Clock::duration::zero()) nextSlot_ = std::max(now, nextSlot_) + spacing_;
            return {};
        }
        std::uint64_t seen = generation_;
        changed_.wait_until(lock, until, [&] { return stop.stop_requested() || generation_ != seen; });
    }
}

} // namespace roomsd::telnyx
