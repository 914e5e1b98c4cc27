// ChangeConsumers: the named consumers of the change feed (change_consumers), whose
// acknowledgements retention never trims past.
//
// It writes, so it runs on a writable connection of its own (not the sync's): the sync
// writes in transactions of up to about a second, and the connection's busy timeout makes
// a registration or an ack wait for one to commit instead of failing.
// Thread-safety: one ChangeConsumers per connection; a connection belongs to one thread at a time.
#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "store/change_feed.hpp"

namespace roomsd::store {

struct Consumer {
    std::string name;
    std::int64_t ackedSeq = 0;
    std::int64_t lag = 0; // last_seq - acked_seq
    std::string registeredAt;
    std::optional<std::string> ackedAt;
};

struct Registration {
    Consumer consumer;
    bool created = false; // false: it existed, and is unchanged
};

// 1..64 characters of [A-Za-z0-9._-].
bool isConsumerName(std::string_view name);

// Opens the existing database read-write for the consumer table, with a busy timeout. Throws StoreError.
SQLite::Database openConsumerWriter(const std::filesystem::path& path);

class ChangeConsumers {
public:
    explicit ChangeConsumers(SQLite::Database& db) : db_(db) {}

    // Registers `name` (idempotent) at `ackedSeq`, by default the current last seq.
    // Usage error when ackedSeq is negative or past the last seq.
    Result<Registration> registerConsumer(const std::string& name, std::optional<std::int64_t> ackedSeq);
    // Acknowledges everything <= seq; a seq below the current ack changes nothing.
    // nullopt for an unknown name; Usage error when seq is past the last seq.
    Result<std::optional<Consumer>> ack(const std::string& name, std::int64_t seq);
    // Every consumer by name.
    Result<std::vector<Consumer>> list();
    // false when there was none of that name.
    Result<bool> remove(const std::string& name);

private:
    std::optional<Consumer> find(const std::string& name, std::int64_t lastSeq);

    SQLite::Database& db_;
};

// The feed at a glance, for /status and /metrics.
struct FeedOverview {
    FeedBounds bounds;
    std::vector<Consumer> consumers;
};
Result<FeedOverview> feedOverview(SQLite::Database& db);

// The consumers, read on any connection (a reader's, for /status and /metrics).
Result<std::vector<Consumer>> listConsumers(SQLite::Database& db);

} // namespace roomsd::store
