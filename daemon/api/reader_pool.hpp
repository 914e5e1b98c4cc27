// ReaderPool: worker threads, each with its own read-only connection to the
// mirror, that run the query API's database work off the event loop.
//
// The server keeps two pools, one for /v2, /status and /metrics and one for
// POST /sql, so a slow SQL query never delays the others; WAL mode means no
// reader ever waits for the sync writer or it for them. A connection is opened
// on a worker's first job, and again on a later job if that failed. Each worker
// keeps a MirrorReader over its connection for the mirror reads (submitRead), so
// their statements are prepared once per worker, not once per request.
// Thread-safety: submit(), requestStop() and shutdown() from any thread; a job
// runs on one worker thread with that worker's connection.
#pragma once

#include <SQLiteCpp/Database.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "store/mirror_reader.hpp"

namespace roomsd::api {

class ReaderPool {
public:
    // `db` is nullptr when the database could not be opened (the job should say so).
    using Job = std::function<void(SQLite::Database* db, std::stop_token stop)>;
    // A read through the worker's MirrorReader; nullptr when the database could not be opened.
    using ReadJob = std::function<void(store::MirrorReader* reader, std::stop_token stop)>;

    ReaderPool(std::string name, std::filesystem::path database, int threads);
    ~ReaderPool();
    ReaderPool(const ReaderPool&) = delete;
    ReaderPool& operator=(const ReaderPool&) = delete;

    // Queues `job`; false (and the job is dropped) once the pool is stopping.
    bool submit(Job job);
    bool submitRead(ReadJob job);
    // Fires the stop token that jobs see (queued ones still run, and should
    // answer quickly); new jobs are refused.
    void requestStop();
    // requestStop(), drops queued jobs and joins the workers.
    void shutdown();

private:
    using Queued = std::variant<Job, ReadJob>;
    bool enqueue(Queued job);
    void work(std::size_t index);

    std::string name_;
    std::filesystem::path database_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Queued> queue_;
    bool stopping_ = false; // no new jobs
    bool exiting_ = false;  // workers leave
    std::stop_source stop_;
    std::vector<std::jthread> workers_;
};

} // namespace roomsd::api
