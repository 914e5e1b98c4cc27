#include "rate_limit.hpp"

#include <algorithm>

namespace roomsd::sim {

RateLimiter::RateLimiter(std::int64_t limit, std::chrono::seconds window)
    : limit_(limit), window_(std::max(window, std::chrono::seconds(1))) {}

void RateLimiter::forgetEnded(Clock::time_point now) {
    std::erase_if(windows_, [&](const auto& entry) { return now - entry.second.start >= window_; });
}

RateLimitStatus RateLimiter::consume(std::string_view key, Clock::time_point now) {
    RateLimitStatus status;
    status.limit = limit_;
    if (!enabled()) return status;
    if (windows_.size() > 1000) forgetEnded(now);
    Window& window = windows_[std::string(key)];
    if (window.used == 0 || now - window.start >= window_) window = Window{now, 0};
    ++window.used;
    status.exceeded = window.used > limit_;
    status.remaining = std::max<std::int64_t>(0, limit_ - window.used);
    auto left = window.start + window_ - now;
    status.resetSeconds = std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(left).count());
    return status;
}

RateLimitStatus HardLimiter::consume(Clock::time_point now) {
    RateLimitStatus status;
    status.limit = limit_;
    if (!enabled()) return status;
    constexpr auto kWindow = std::chrono::seconds(1);
    while (!admitted_.empty() && now - admitted_.front() >= kWindow) admitted_.pop_front();
    status.exceeded = static_cast<std::int64_t>(admitted_.size()) >= limit_;
    if (!status.exceeded) admitted_.push_back(now);
    status.remaining = limit_ - static_cast<std::int64_t>(admitted_.size());
    auto left = admitted_.front() + kWindow - now;
    status.resetSeconds = std::max<std::int64_t>(1, std::chrono::ceil<std::chrono::seconds>(left).count());
    return status;
}

} // namespace roomsd::sim
