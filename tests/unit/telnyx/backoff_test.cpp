// Retry waits: exponential growth, the cap, the full-jitter range, and the waits
// servers ask for through Retry-After and x-ratelimit-reset.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "telnyx/backoff.hpp"

using namespace roomsd::telnyx;
using namespace std::chrono;

namespace {

// 2015-10-21T07:27:00Z, one minute before the dates used below.
system_clock::time_point octoberMorning() { return sys_days(year(2015) / October / 21) + hours(7) + minutes(27); }

std::vector<milliseconds> draws(int retryIndex, milliseconds base, milliseconds cap, int count) {
    std::mt19937_64 random(42);
    std::vector<milliseconds> out;
    for (int i = 0; i < count; ++i) out.push_back(jitteredBackoff(retryIndex, base, cap, random));
    return out;
}

} // namespace

TEST_CASE("the backoff ceiling doubles from the base until the cap") {
    const milliseconds base(500), cap(30000);
    CHECK(backoffCeiling(0, base, cap) == milliseconds(500));
    CHECK(backoffCeiling(1, base, cap) == milliseconds(1000));
    CHECK(backoffCeiling(2, base, cap) == milliseconds(2000));
    CHECK(backoffCeiling(5, base, cap) == milliseconds(16000));
    CHECK(backoffCeiling(6, base, cap) == milliseconds(30000)); // 32000 capped
    CHECK(backoffCeiling(63, base, cap) == milliseconds(30000));
    CHECK(backoffCeiling(100000, base, cap) == milliseconds(30000)); // no overflow however many retries
    CHECK(backoffCeiling(0, milliseconds(5000), milliseconds(1000)) == milliseconds(1000));
    CHECK(backoffCeiling(-1, base, cap) == milliseconds(0));
    CHECK(backoffCeiling(3, milliseconds(0), cap) == milliseconds(0));
}

TEST_CASE("full jitter spreads waits over the whole range from zero to the ceiling") {
    const milliseconds base(500), cap(30000);
    for (int retryIndex : {0, 2, 4, 8}) {
        const milliseconds ceiling = backoffCeiling(retryIndex, base, cap);
        auto waits = draws(retryIndex, base, cap, 2000);
        auto [low, high] = std::minmax_element(waits.begin(), waits.end());
        INFO("retry " << retryIndex << " ceiling " << ceiling.count());
        CHECK(*low >= milliseconds(0));
        CHECK(*high <= ceiling);
        // Full jitter, not "half the ceiling plus noise": both ends of the range are reached.
        CHECK(*low < ceiling / 10);
        CHECK(*high > ceiling * 9 / 10);
    }
}

TEST_CASE("jittered waits grow with the retry index until the cap") {
    const milliseconds base(100), cap(10000);
    auto mean = [&](int retryIndex) {
        auto waits = draws(retryIndex, base, cap, 2000);
        milliseconds sum(0);
        for (auto w : waits) sum += w;
        return sum.count() / static_cast<double>(waits.size());
    };
    CHECK(mean(1) > 1.5 * mean(0));
    CHECK(mean(4) > 1.5 * mean(3));
    CHECK(mean(9) < 1.2 * mean(8)); // both capped at 10 s
    CHECK(mean(9) > 4000);
}

TEST_CASE("Retry-After in delta-seconds") {
    auto now = octoberMorning();
    CHECK(parseRetryAfter("120", now) == milliseconds(120000));
    CHECK(parseRetryAfter("0", now) == milliseconds(0));
    CHECK(parseRetryAfter(" 1 ", now) == milliseconds(1000));
    // Absurd values saturate instead of overflowing into a negative wait.
    auto huge = parseRetryAfter("99999999999999999999999999", now);
    REQUIRE(huge);
    CHECK(*huge > hours(24 * 365));
}

TEST_CASE("Retry-After as an HTTP-date, in all three forms HTTP allows") {
    auto now = octoberMorning();
    CHECK(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now) == milliseconds(60000));
    CHECK(parseRetryAfter("Wednesday, 21-Oct-15 07:28:00 GMT", now) == milliseconds(60000));
    CHECK(parseRetryAfter("Wed Oct 21 07:28:00 2015", now) == milliseconds(60000));
    CHECK(parseRetryAfter("Wed Oct  1 07:28:00 2015", now) == milliseconds(0)); // in the past: no wait
    CHECK(parseRetryAfter("Thu, 22 Oct 2015 07:27:00 GMT", now) == milliseconds(24 * 3600 * 1000));
    CHECK(parseRetryAfter("Tue, 20 Oct 2015 07:28:00 GMT", now) == milliseconds(0));
}

TEST_CASE("a Retry-After that is neither seconds nor a date is ignored") {
    auto now = octoberMorning();
    for (const char* garbage :
         {"", "  ", "soon", "-5", "1.5", "5s", "0x10", "Wed, 21 Oct 2015 07:28:00", "Wed, 32 Oct 2015 07:28:00 GMT",
          "Wed, 21 Foo 2015 07:28:00 GMT", "Wed, 21 Oct 2015 25:28:00 GMT", "Wed, 21 Oct 2015 07:28 GMT",
          "Xyz, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 15015 07:28:00 GMT", "Wed, 29 Feb 2015 07:28:00 GMT"}) {
        INFO(garbage);
        CHECK_FALSE(parseRetryAfter(garbage, now).has_value());
    }
}

TEST_CASE("x-ratelimit-reset as seconds until the reset") {
    auto now = octoberMorning();
    CHECK(parseRateLimitReset("30", now) == milliseconds(30000));
    CHECK(parseRateLimitReset("0", now) == milliseconds(0));
    CHECK(parseRateLimitReset("1.5", now) == milliseconds(1500));
    CHECK(parseRateLimitReset("0.0001", now) == milliseconds(1)); // rounded up, never down to "no wait"
    CHECK(parseRateLimitReset(" 2 ", now) == milliseconds(2000));
    CHECK(parseRateLimitReset("1000000000", now) == milliseconds(1'000'000'000'000LL)); // the threshold itself
}

TEST_CASE("x-ratelimit-reset above 1e9 is a Unix epoch time") {
    const system_clock::time_point now{seconds(1'700'000'000)};
    CHECK(parseRateLimitReset("1700000042", now) == milliseconds(42000));
    CHECK(parseRateLimitReset("1700000000.5", now) == milliseconds(500));
    CHECK(parseRateLimitReset("1600000000", now) == milliseconds(0)); // already passed
}

TEST_CASE("an x-ratelimit-reset that is not a number is ignored") {
    auto now = octoberMorning();
    for (const char* garbage : {"", "abc", "-3", "1e3", "1.", ".5x", "Wed, 21 Oct 2015 07:28:00 GMT", "+4"}) {
        INFO(garbage);
        CHECK_FALSE(parseRateLimitReset(garbage, now).has_value());
    }
}

TEST_CASE("the retry wait is at least what the server asked, up to maxServerWait") {
    const milliseconds maxServerWait = seconds(300);
    CHECK(retryWait(milliseconds(200), std::nullopt, maxServerWait) == milliseconds(200));
    CHECK(retryWait(milliseconds(200), milliseconds(1000), maxServerWait) == milliseconds(1000));
    CHECK(retryWait(milliseconds(5000), milliseconds(1000), maxServerWait) == milliseconds(5000));
    CHECK(retryWait(milliseconds(200), hours(2), maxServerWait) == seconds(300));
}
