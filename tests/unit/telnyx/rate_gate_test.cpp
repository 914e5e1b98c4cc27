// The shared pause: it holds every waiter until its end, only ever grows, and
// lets any waiter go at once, with Cancelled, when that waiter's stop is requested.
#include <catch2/catch.hpp>

#include <atomic>
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

TEST_CASE("a learned limit spaces requests a window's share apart, for every caller together") {
    RateGate gate;
    CHECK(gate.spacing() == Clock::duration::zero());
    gate.learnLimit(0, seconds(1), seconds(300)); // no limit said: no pace
    CHECK(gate.spacing() == Clock::duration::zero());

    gate.learnLimit(20, seconds(1), seconds(300));
    // 1 s / 19 (one less than the limit, so that a window never runs out), and 2% to spare.
    CHECK(duration_cast<microseconds>(gate.spacing()) == microseconds(53684));
    // A shorter reset later in the window does not shorten the window.
    gate.learnLimit(20, milliseconds(200), seconds(300));
    CHECK(duration_cast<microseconds>(gate.spacing()) == microseconds(53684));
    // A reset beyond the longest wait honoured counts as that wait.
    gate.learnLimit(1, hours(5), seconds(300));
    CHECK(gate.spacing() == seconds(306));
}

TEST_CASE("paced requests from several threads go out one slot apart") {
    RateGate gate;
    gate.learnLimit(20, seconds(1), seconds(300));
    // Eleven requests from four threads: ten slots of 53.7 ms after the first.
    std::stop_source stop;
    auto start = Clock::now();
    std::vector<std::jthread> callers;
    std::atomic<int> passed{0};
    for (int t = 0; t < 4; ++t)
        callers.emplace_back([&] {
            while (passed.fetch_add(1) < 11) REQUIRE(gate.waitUntilOpen(stop.get_token()).ok());
        });
    callers.clear();
    CHECK(Clock::now() - start >= milliseconds(536));
}

TEST_CASE("a paced caller waiting for its slot goes at once, Cancelled, when stopped") {
    RateGate gate;
    gate.learnLimit(1, seconds(300), seconds(300));
    std::stop_source stop;
    REQUIRE(gate.waitUntilOpen(stop.get_token()).ok()); // the first slot
    std::jthread stopper([&] {
        std::this_thread::sleep_for(milliseconds(50));
        stop.request_stop();
    });
    auto waited = gate.waitUntilOpen(stop.get_token());
    REQUIRE_FALSE(waited.ok());
    CHECK(waited.error().kind == ErrorKind::Cancelled);
}
