// PagePipeline: fetches the pages of one listing concurrently, for one consumer.
//
// Up to `workers` requests run at once; finished pages wait in a queue that
// holds at most `workers` pages, so memory stays bounded by a few pages
// whatever the listing's size. Pages arrive in completion order.
// Thread-safety: next(), limitTo() and stop() are for the one consumer thread;
// the workers are internal.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <vector>

#include "common/result.hpp"
#include "telnyx/parse.hpp"

namespace roomsd::sync {

class PagePipeline {
public:
    using Fetch = std::function<Result<telnyx::ListPage>(std::int64_t page, std::stop_token stop)>;

    struct Delivery {
        std::int64_t page;
        Result<telnyx::ListPage> result;
    };

    // Starts fetching pages first..last. `outer` stops the pipeline too.
    PagePipeline(Fetch fetch, std::int64_t first, std::int64_t last, int workers, std::stop_token outer);
    // Stops and joins the workers.
    ~PagePipeline();
    PagePipeline(const PagePipeline&) = delete;
    PagePipeline& operator=(const PagePipeline&) = delete;

    // The next finished page; nullopt once every requested page was delivered or after stop().
    std::optional<Delivery> next();
    // Requests no page after `last` (pages already in flight are still delivered).
    void limitTo(std::int64_t last);
    // Cancels the requests in flight; next() returns nullopt from now on.
    void stop();

private:
    void work(std::stop_token stop);

    Fetch fetch_;
    int capacity_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::int64_t nextPage_;
    std::int64_t last_;
    int running_ = 0;
    bool stopped_ = false;
    std::deque<Delivery> ready_;
    std::stop_source cancel_;
    std::stop_callback<std::function<void()>> outerStop_;
    std::vector<std::jthread> workers_;
};

} // namespace roomsd::sync
