// FetchPipeline: fetches numbered items (the pages of one listing, records by id) concurrently,
// for one consumer; PagePipeline is the one of list pages.
//
// Up to `workers` requests run at once; finished items wait in a queue that
// holds at most `workers` of them, so memory stays bounded by a few pages
// whatever the listing's size. Items arrive in completion order.
// Thread-safety: next(), limitTo() and stop() are for the one consumer thread;
// the workers are internal.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "telnyx/parse.hpp"

namespace roomsd::sync {

template <class T>
class FetchPipeline {
public:
    using Fetch = std::function<Result<T>(std::int64_t page, std::stop_token stop)>;

    struct Delivery {
        std::int64_t page; // the item's number
        Result<T> result;
    };

    // Starts fetching items first..last. `outer` stops the pipeline too.
    FetchPipeline(Fetch fetch, std::int64_t first, std::int64_t last, int workers, std::stop_token outer)
        : fetch_(std::move(fetch)), capacity_(std::max(1, workers)), nextPage_(first), last_(last),
          outerStop_(outer, std::function<void()>([this] { stop(); })) {
        std::int64_t pages = last >= first ? last - first + 1 : 0;
        int count = static_cast<int>(std::min<std::int64_t>(capacity_, pages));
        running_ = count;
        for (int i = 0; i < count; ++i) workers_.emplace_back([this](std::stop_token) { work(cancel_.get_token()); });
    }
    // Stops and joins the workers.
    ~FetchPipeline() {
        stop();
        workers_.clear(); // joins
    }
    FetchPipeline(const FetchPipeline&) = delete;
    FetchPipeline& operator=(const FetchPipeline&) = delete;

    // The next finished item; nullopt once every requested item was delivered or after stop().
    std::optional<Delivery> next() {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stopped_ || !ready_.empty() || running_ == 0; });
        if (stopped_ || ready_.empty()) return std::nullopt;
        Delivery d = std::move(ready_.front());
        ready_.pop_front();
        changed_.notify_all();
        return d;
    }
    // Requests no item after `last` (items already in flight are still delivered).
    void limitTo(std::int64_t last) {
        std::lock_guard lock(mutex_);
        if (last < last_) last_ = last;
    }
    // Cancels the requests in flight; next() returns nullopt from now on.
    void stop() {
        {
            std::lock_guard lock(mutex_);
            if (stopped_) return;
            stopped_ = true;
        }
        cancel_.request_stop();
        changed_.notify_all();
    }

private:
    void work(std::stop_token stop) {
        std::unique_lock lock(mutex_);
        while (true) {
            // A worker takes an item only when the queue has room for its result.
            changed_.wait(lock, [&] { return stopped_ || static_cast<int>(ready_.size()) < capacity_; });
            if (stopped_ || nextPage_ > last_) break;
            std::int64_t page = nextPage_++;
            lock.unlock();
            Result<T> result = fetch_(page, stop);
            lock.lock();
            if (stopped_) break;
            ready_.push_back(Delivery{page, std::move(result)});
            changed_.notify_all();
        }
        --running_;
        changed_.notify_all();
    }

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

using PagePipeline = FetchPipeline<telnyx::ListPage>;

} // namespace roomsd::sync
