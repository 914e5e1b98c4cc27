// RateLimiter: a fixed window of N requests per API key, as the rooms API's
// x-ratelimit-* headers describe it.
//
// A key's window opens with its first request and lasts `window`; requests past
// the limit inside it are refused until the next window. The caller passes the
// time in, so the arithmetic is testable without waiting.
// Thread-safety: none; the server uses it from its one io_context thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace roomsd::sim {

struct RateLimitStatus {
    std::int64_t limit = 0;
    std::int64_t remaining = 0;    // requests left in the window after this one
    std::int64_t resetSeconds = 0; // whole seconds (rounded up) until the window resets
    bool exceeded = false;         // this request is over the limit
};

class RateLimiter {
public:
    using Clock = std::chrono::steady_clock;

    // `limit` 0 disables limiting.
    RateLimiter(std::int64_t limit, std::chrono::seconds window);

    bool enabled() const { return limit_ > 0; }
    // Counts one request of `key` at `now` and says whether it may pass.
    RateLimitStatus consume(std::string_view key, Clock::time_point now);

private:
    struct Window {
        Clock::time_point start;
        std::int64_t used = 0;
    };
    // Forgets the windows that have ended, so hostile clients with random keys cannot grow the map forever.
    void forgetEnded(Clock::time_point now);

    std::int64_t limit_;
    Clock::duration window_;
    std::unordered_map<std::string, Window> windows_;
};

// HardLimiter: at most N requests in any rolling second, over all keys (--hard-limit):
// a request that would be the N+1th within the last second is refused, and does not
// count. Remembers at most N instants.
class HardLimiter {
public:
    using Clock = std::chrono::steady_clock;

    // `limit` 0 disables it.
    explicit HardLimiter(std::int64_t limit) : limit_(limit) {}

    bool enabled() const { return limit_ > 0; }
    // Counts one request at `now` unless it is over the limit (then `exceeded`, and
    // resetSeconds is when the oldest counted request leaves the window, rounded up).
    RateLimitStatus consume(Clock::time_point now);

private:
    std::int64_t limit_;
    std::deque<Clock::time_point> admitted_; // oldest first, within the last second
};

} // namespace roomsd::sim
