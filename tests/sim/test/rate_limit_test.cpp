// The fixed-window rate limiter, with the clock passed in.
#include <catch2/catch.hpp>

#include "rate_limit.hpp"

using namespace roomsd::sim;
using namespace std::chrono;

TEST_CASE("a window lets `limit` requests through, then refuses until it resets") {
    RateLimiter limiter(3, seconds(10));
    REQUIRE(limiter.enabled());
    auto t0 = RateLimiter::Clock::time_point{} + hours(1);
    CHECK(limiter.consume("k", t0).remaining == 2);
    CHECK(limiter.consume("k", t0 + milliseconds(100)).remaining == 1);
    RateLimitStatus third = limiter.consume("k", t0 + seconds(2));
    CHECK_FALSE(third.exceeded);
    CHECK(third.remaining == 0);
    CHECK(third.resetSeconds == 8);
    RateLimitStatus fourth = limiter.consume("k", t0 + milliseconds(9500));
    CHECK(fourth.exceeded);
    CHECK(fourth.limit == 3);
    CHECK(fourth.remaining == 0);
    CHECK(fourth.resetSeconds == 1); // 0.5 s, rounded up
    RateLimitStatus fresh = limiter.consume("k", t0 + seconds(10));
    CHECK_FALSE(fresh.exceeded);
    CHECK(fresh.remaining == 2);
    CHECK(fresh.resetSeconds == 10);
}

TEST_CASE("each key has its own window") {
    RateLimiter limiter(1, seconds(1));
    auto t0 = RateLimiter::Clock::time_point{} + hours(1);
    CHECK_FALSE(limiter.consume("a", t0).exceeded);
    CHECK(limiter.consume("a", t0).exceeded);
    CHECK_FALSE(limiter.consume("b", t0).exceeded);
}

TEST_CASE("a limit of 0 limits nothing") {
    RateLimiter limiter(0, seconds(1));
    CHECK_FALSE(limiter.enabled());
    auto t0 = RateLimiter::Clock::time_point{} + hours(1);
    for (int i = 0; i < 100; ++i) CHECK_FALSE(limiter.consume("k", t0).exceeded);
}

TEST_CASE("the hard limit admits N requests in any rolling second, over all keys") {
    HardLimiter hard(2);
    REQUIRE(hard.enabled());
    auto t0 = HardLimiter::Clock::time_point{} + hours(1);
    CHECK_FALSE(hard.consume(t0).exceeded);
    CHECK_FALSE(hard.consume(t0 + milliseconds(600)).exceeded);
    RateLimitStatus third = hard.consume(t0 + milliseconds(900));
    CHECK(third.exceeded);
    CHECK(third.remaining == 0);
    CHECK(third.resetSeconds == 1);
    // A fixed window would open anew at t0+1s; the rolling one still holds the request of t0+0.6s.
    CHECK_FALSE(hard.consume(t0 + milliseconds(1000)).exceeded);
    CHECK(hard.consume(t0 + milliseconds(1500)).exceeded);
    CHECK_FALSE(hard.consume(t0 + milliseconds(1600)).exceeded);
    // Refusals do not count: a client hammering it still gets through once the window moves on.
    for (int i = 0; i < 50; ++i) CHECK(hard.consume(t0 + milliseconds(1700)).exceeded);
    CHECK_FALSE(hard.consume(t0 + milliseconds(2000)).exceeded);
    CHECK_FALSE(HardLimiter(0).enabled());
}
