// BodyStream: what a producer writes reaches the consumer whole and in order, the
// producer waits while the consumer is behind, and a consumer that leaves stops it.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "api/body_stream.hpp"

using namespace roomsd::api;

namespace {

// Takes everything until the end, waiting on the wake function between takes.
struct Consumer {
    BodyStream& body;
    std::mutex mutex;
    std::condition_variable woken;
    bool pending = false;
    std::string received;
    std::size_t largestTake = 0;
    bool complete = false;

    explicit Consumer(BodyStream& b) : body(b) {
        body.setWake([this] {
            std::lock_guard lock(mutex);
            pending = true;
            woken.notify_all();
        });
    }
    void run() {
        for (int rounds = 0; rounds < 100000; ++rounds) {
            auto taken = body.take();
            if (!taken) {
                std::unique_lock lock(mutex);
                woken.wait(lock, [&] { return pending; });
                pending = false;
                continue;
            }
            largestTake = std::max(largestTake, taken->data.size());
            received += taken->data;
            if (taken->ended) {
                complete = taken->complete;
                return;
            }
        }
    }
};

} // namespace

TEST_CASE("a body reaches the consumer whole, in order, never more than the capacity and a piece at once") {
    BodyStream body(4096);
    std::string expected;
    std::atomic<bool> allWritten{true}; // Catch's assertions stay on the test's thread
    std::thread producer([&] {
        for (int i = 0; i < 500; ++i) {
            std::string piece(1000, static_cast<char>('a' + i % 26));
            if (!body.write(piece, {})) allWritten = false;
        }
        body.finish(true);
    });
    for (int i = 0; i < 500; ++i) expected += std::string(1000, static_cast<char>('a' + i % 26));
    Consumer consumer(body);
    consumer.run();
    producer.join();
    CHECK(allWritten);
    CHECK(consumer.received == expected);
    CHECK(consumer.complete);
    // The producer waited whenever 4096 bytes were queued: never 500 KB in memory at once.
    CHECK(consumer.largestTake <= 4096 + 1000);
}

TEST_CASE("a body cut short says so, and a consumer that leaves releases a waiting producer") {
    BodyStream cut(1 << 20);
    REQUIRE(cut.write("rows\n", {}));
    cut.finish(false);
    auto taken = cut.take();
    REQUIRE(taken);
    CHECK(taken->data == "rows\n");
    CHECK(taken->ended);
    CHECK_FALSE(taken->complete);

    BodyStream left(10);
    std::atomic<bool> stopped{false};
    std::stop_callback onAbandon(left.stopToken(), [&] { stopped = true; });
    REQUIRE(left.write(std::string(10, 'x'), {})); // full now
    std::atomic<bool> written{true};
    std::thread producer([&] { written = left.write("more", {}); }); // waits until abandoned
    left.abandon();
    producer.join();
    CHECK_FALSE(written);
    CHECK(stopped);
    CHECK_FALSE(left.write("later", {}));

    BodyStream stopping(10);
    REQUIRE(stopping.write(std::string(10, 'x'), {}));
    std::stop_source stop;
    std::atomic<bool> queued{true};
    std::thread waiting([&] { queued = stopping.write("more", stop.get_token()); });
    stop.request_stop();
    waiting.join();
    CHECK_FALSE(queued);
}
