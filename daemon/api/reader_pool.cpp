// The query API's worker threads.
// Thread-safety: see reader_pool.hpp.
#include "api/reader_pool.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "store/database.hpp"

namespace roomsd::api {

ReaderPool::ReaderPool(std::string name, std::filesystem::path database, int threads)
    : name_(std::move(name)), database_(std::move(database)) {
    for (int i = 0; i < threads; ++i)
        workers_.emplace_back([this, i](std::stop_token) { work(static_cast<std::size_t>(i)); });
}

ReaderPool::~ReaderPool() { shutdown(); }

bool ReaderPool::submit(Job job) { return enqueue(std::move(job)); }

bool ReaderPool::submitRead(ReadJob job) { return enqueue(std::move(job)); }

bool ReaderPool::enqueue(Queued job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || exiting_) return false;
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

void ReaderPool::requestStop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_.request_stop();
    wake_.notify_all();
}

void ReaderPool::shutdown() {
    requestStop();
    {
        std::lock_guard lock(mutex_);
        exiting_ = true;
    }
    wake_.notify_all();
    for (auto& worker : workers_)
        if (worker.joinable()) worker.join();
    std::deque<Queued> dropped;
    {
        std::lock_guard lock(mutex_);
        dropped.swap(queue_);
    }
}

void ReaderPool::work(std::size_t index) {
    std::optional<SQLite::Database> db;
    std::optional<store::MirrorReader> reader; // over *db: declared after it, so destroyed first
    while (true) {
        Queued job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return exiting_ || !queue_.empty(); });
            if (exiting_) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        if (!db) {
            try {
                db.emplace(store::openReader(database_));
                reader.emplace(*db);
            } catch (const std::exception& e) {
                spdlog::error("{} worker {}: {}", name_, index, e.what());
            }
        }
        try {
            if (auto* plain = std::get_if<Job>(&job))
                (*plain)(db ? &*db : nullptr, stop_.get_token());
            else
                std::get<ReadJob>(job)(reader ? &*reader : nullptr, stop_.get_token());
        } catch (const std::exception& e) {
            // Jobs catch their own errors; this is a bug, and the worker lives on. The job's
            // reply callback, destroyed unanswered below, answers 500 (see LoopReply).
            spdlog::error("{} worker {}: a job failed: {}", name_, index, e.what());
        } catch (...) {
            spdlog::error("{} worker {}: a job failed with a non-exception", name_, index);
        }
        job = Job(); // here, outside the lock: what it owned is released before the next wait
    }
}

} // namespace roomsd::api
