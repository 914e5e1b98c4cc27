#include "sync/page_pipeline.hpp"

namespace roomsd::sync {

PagePipeline::PagePipeline(Fetch fetch, std::int64_t first, std::int64_t last, int workers, std::stop_token outer)
    : fetch_(std::move(fetch)), capacity_(std::max(1, workers)), nextPage_(first), last_(last),
      outerStop_(outer, std::function<void()>([this] { stop(); })) {
    std::int64_t pages = last >= first ? last - first + 1 : 0;
    int count = static_cast<int>(std::min<std::int64_t>(capacity_, pages));
    running_ = count;
    for (int i = 0; i < count; ++i) workers_.emplace_back([this](std::stop_token) { work(cancel_.get_token()); });
}

PagePipeline::~PagePipeline() {
    stop();
    workers_.clear(); // joins
}

void PagePipeline::work(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    while (true) {
        // A worker takes a page only when the queue has room for its result.
        changed_.wait(lock, [&] { return stopped_ || static_cast<int>(ready_.size()) < capacity_; });
        if (stopped_ || nextPage_ > last_) break;
        std::int64_t page = nextPage_++;
        lock.unlock();
        Result<telnyx::ListPage> result = fetch_(page, stop);
        lock.lock();
        if (stopped_) break;
        ready_.push_back(Delivery{page, std::move(result)});
        changed_.notify_all();
    }
    --running_;
    changed_.notify_all();
}

std::optional<PagePipeline::Delivery> PagePipeline::next() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return stopped_ || !ready_.empty() || running_ == 0; });
    if (stopped_ || ready_.empty()) return std::nullopt;
    Delivery d = std::move(ready_.front());
    ready_.pop_front();
    changed_.notify_all();
    return d;
}

void PagePipeline::limitTo(std::int64_t last) {
    std::lock_guard lock(mutex_);
    if (last < last_) last_ = last;
}

void PagePipeline::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopped_) return;
        stopped_ = true;
    }
    cancel_.request_stop();
    changed_.notify_all();
}

} // namespace roomsd::sync
