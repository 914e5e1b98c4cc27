// PagePipeline: every page once, bounded concurrency, early stop, cancellation.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <thread>

#include "sync/page_pipeline.hpp"

using namespace roomsd;
using namespace roomsd::sync;

namespace {

telnyx::ListPage pageWith(std::int64_t n) {
    telnyx::ListPage page;
    page.elementCount = static_cast<std::size_t>(n);
    return page;
}

} // namespace

TEST_CASE("every page is delivered exactly once, with at most `workers` requests at a time") {
    std::atomic<int> inFlight{0}, maxInFlight{0};
    auto fetch = [&](std::int64_t page, std::stop_token) -> Result<telnyx::ListPage> {
        int now = ++inFlight;
        int seen = maxInFlight.load();
        while (now > seen && !maxInFlight.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        --inFlight;
        return pageWith(page);
    };
    std::stop_source never;
    PagePipeline pipeline(fetch, 2, 41, 4, never.get_token());
    std::multiset<std::int64_t> got;
    while (auto d = pipeline.next()) {
        REQUIRE(d->result);
        CHECK(static_cast<std::int64_t>(d->result->elementCount) == d->page);
        got.insert(d->page);
    }
    CHECK(got.size() == 40);
    CHECK(std::set<std::int64_t>(got.begin(), got.end()).size() == 40);
    CHECK(*got.begin() == 2);
    CHECK(*got.rbegin() == 41);
    CHECK(maxInFlight.load() <= 4);
}

TEST_CASE("limitTo stops requesting later pages") {
    std::atomic<std::int64_t> highest{0};
    auto fetch = [&](std::int64_t page, std::stop_token) -> Result<telnyx::ListPage> {
        std::int64_t h = highest.load();
        while (page > h && !highest.compare_exchange_weak(h, page)) {
        }
        return pageWith(page);
    };
    std::stop_source never;
    PagePipeline pipeline(fetch, 2, 1000, 2, never.get_token());
    int delivered = 0;
    while (auto d = pipeline.next()) {
        ++delivered;
        if (d->page == 5) pipeline.limitTo(5);
    }
    // Pages past 5 may have been in flight when the limit came, but not many.
    CHECK(highest.load() <= 5 + 2 * 2);
    CHECK(delivered < 20);
}

TEST_CASE("a stop from outside cancels the requests in flight and ends the pipeline") {
    std::atomic<int> cancelled{0};
    auto fetch = [&](std::int64_t, std::stop_token stop) -> Result<telnyx::ListPage> {
        while (!stop.stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ++cancelled;
        return fail(ErrorKind::Cancelled, "stopped");
    };
    std::stop_source outer;
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        outer.request_stop();
    });
    {
        PagePipeline pipeline(fetch, 2, 100, 3, outer.get_token());
        CHECK_FALSE(pipeline.next());
    }
    stopper.join();
    CHECK(cancelled.load() == 3);
}

TEST_CASE("an empty range delivers nothing") {
    std::stop_source never;
    PagePipeline pipeline([](std::int64_t, std::stop_token) -> Result<telnyx::ListPage> { return pageWith(0); }, 2, 1,
                          4, never.get_token());
    CHECK_FALSE(pipeline.next());
}
