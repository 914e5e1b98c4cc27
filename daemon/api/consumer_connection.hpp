// ConsumerConnection: the query API's one writable connection, for the change feed's
// consumer table (register, ack, delete), opened on first use and again after a failure.
// Its busy timeout makes a write wait for the sync's transaction instead of failing.
// Thread-safety: run() from any thread; calls are serialized by a mutex.
#pragma once

#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <mutex>
#include <optional>

#include "common/result.hpp"
#include "store/change_consumers.hpp"
#include "store/errors.hpp"

namespace roomsd::api {

class ConsumerConnection {
public:
    explicit ConsumerConnection(std::filesystem::path database) : database_(std::move(database)) {}

    // Runs `work(ChangeConsumers&)` under the lock; a connection that cannot be opened is a Storage error.
    template <class Work>
    auto run(Work&& work) -> decltype(work(std::declval<store::ChangeConsumers&>())) {
        std::lock_guard lock(mutex_);
        if (!db_) {
            try {
                db_.emplace(store::openConsumerWriter(database_));
            } catch (const store::StoreError& e) {
                return fail(ErrorKind::Storage, e.what());
            }
        }
        store::ChangeConsumers consumers(*db_);
        auto out = work(consumers);
        if (!out && out.error().kind == ErrorKind::Storage) db_.reset(); // open afresh next time
        return out;
    }

private:
    std::filesystem::path database_;
    std::mutex mutex_;
    std::optional<SQLite::Database> db_;
};

} // namespace roomsd::api
