// The shared pause: it holds every waiter until its end, only ever grows, and
// lets any waiter go at once, with Cancelled, when that waiter's stop is requested.
#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "telnyx/rate_gate.hpp"

using namespace roomsd;
using namespace roomsd::telnyx;
using namespace std::chrono;
using Clock = RateGate::Clock;

TEST_CASE("an open gate lets a caller through and reports no pause") {
    RateGate gate;
    CHECK_FALSE(gate.pausedUntil().has_value());
    std::stop_source stop;
    CHECK(gate.waitUntilOpen(stop.get_token()).ok());
}

TEST_CASE("a pause holds a caller until it ends") {
    RateGate gate;
    auto start = Clock::now();
    gate.pauseUntil(start + milliseconds(300));
    REQUIRE(gate.pausedUntil().has_value());
    CHECK(*gate.pausedUntil() == start + milliseconds(300));
    std::stop_source stop;
    REQUIRE(gate.waitUntilOpen(stop.get_token()).ok());
    CHECK(Clock::now() - start >= milliseconds(300));
    CHECK_FALSE(gate.pausedUntil().has_value());
}

TEST_CASE("a caller's own not-before time is honoured on an open gate") {
    RateGate gate;
    std::stop_source stop;
    auto start = Clock::now();
    REQUIRE(gate.waitUntilOpen(stop.get_token(), start + milliseconds(200)).ok());
    CHECK(Clock::now() - start >= milliseconds(200));
}

TEST_CASE("a shorter pause does not shorten a longer one") {
    RateGate gate;
    auto start = Clock::now();
    gate.pauseUntil(start + seconds(5));
    gate.pauseUntil(start + milliseconds(10));
    REQUIRE(gate.pausedUntil().has_value());
    CHECK(*gate.pausedUntil() == start + seconds(5));
}

TEST_CASE("a pause announced while a caller waits holds that caller too") {
    RateGate gate;
    std::stop_source stop;
    auto start = Clock::now();
    std::jthread announcer([&] {
        std::this_thread::sleep_for(milliseconds(50));
        gate.pauseUntil(start + milliseconds(400));
    });
    REQUIRE(gate.waitUntilOpen(stop.get_token(), start + milliseconds(100)).ok());
    CHECK(Clock::now() - start >= milliseconds(400));
}

TEST_CASE("a stop ends a long wait with Cancelled") {
    RateGate gate;
    gate.pauseUntil(Clock::now() + seconds(120));
    std::stop_source stop;
    std::jthread stopper([&] {
        std::this_thread::sleep_for(milliseconds(100));
        stop.request_stop();
    });
    auto result = gate.waitUntilOpen(stop.get_token());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ErrorKind::Cancelled);
    // The gate stays paused for everyone else.
    CHECK(gate.pausedUntil().has_value());
}

TEST_CASE("a caller whose stop was already requested does not wait at all") {
    RateGate gate;
    gate.pauseUntil(Clock::now() + seconds(120));
    std::stop_source stop;
    stop.request_stop();
    auto result = gate.waitUntilOpen(stop.get_token());
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ErrorKind::Cancelled);
}

TEST_CASE("one caller's stop leaves the other waiters waiting") {
    RateGate gate;
    auto start = Clock::now();
    gate.pauseUntil(start + milliseconds(500));
    std::stop_source cancelled, patient;
    std::vector<Result<void>> results(2);
    std::vector<Clock::duration> waited(2);
    {
        std::jthread a([&] {
            results[0] = gate.waitUntilOpen(cancelled.get_token());
            waited[0] = Clock::now() - start;
        });
        std::jthread b([&] {
            results[1] = gate.waitUntilOpen(patient.get_token());
            waited[1] = Clock::now() - start;
        });
        std::this_thread::sleep_for(milliseconds(50));
        cancelled.request_stop();
    }
    REQUIRE_FALSE(results[0].ok());
    CHECK(results[0].error().kind == ErrorKind::Cancelled);
    CHECK(results[1].ok());
    CHECK(waited[1] >= milliseconds(500));
}
