// BodyStream: the queue between an export's worker thread and its connection.
// Thread-safety: see body_stream.hpp.
#include "api/body_stream.hpp"

namespace roomsd::api {

bool BodyStream::write(std::string piece, std::stop_token stop) {
    std::unique_lock lock(mutex_);
    std::stop_token abandoned = abandoned_.get_token();
    // Wakes on the consumer's take() or abandon(), or on the producer's own stop.
    drained_.wait(lock, stop, [&] { return queued_.size() < capacity_ || abandoned.stop_requested(); });
    if (abandoned.stop_requested() || stop.stop_requested() || ended_) return false;
    queued_ += piece;
    wakeConsumer(lock);
    return true;
}

void BodyStream::finish(bool complete) {
    std::unique_lock lock(mutex_);
    if (ended_) return;
    ended_ = true;
    complete_ = complete;
    wakeConsumer(lock);
}

void BodyStream::wakeConsumer(std::unique_lock<std::mutex>& lock) {
    if (!consumerWaiting_ || !wake_) return;
    consumerWaiting_ = false;
    std::function<void()> wake = wake_;
    lock.unlock();
    wake();
}

std::optional<BodyStream::Taken> BodyStream::take() {
    std::lock_guard lock(mutex_);
    if (queued_.empty() && !ended_) {
        consumerWaiting_ = true;
        return std::nullopt;
    }
    Taken taken;
    taken.data.swap(queued_);
    taken.ended = ended_;
    taken.complete = complete_;
    drained_.notify_all();
    return taken;
}

std::size_t BodyStream::queuedBytes() {
    std::lock_guard lock(mutex_);
    return queued_.size();
}

void BodyStream::setWake(std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
}

void BodyStream::abandon() {
    {
        std::lock_guard lock(mutex_);
        wake_ = nullptr;
    }
    // Outside the lock: what listens on stopToken() may be a writer's own stop token.
    abandoned_.request_stop();
    std::lock_guard lock(mutex_);
    drained_.notify_all();
}

} // namespace roomsd::api
