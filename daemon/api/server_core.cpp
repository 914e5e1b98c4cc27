// ServerCore's lifetime: its worker pools and the registry of open connections.
// Thread-safety: see server_core.hpp.
#include "api/server_core.hpp"

#include <utility>

namespace roomsd::api {
namespace {

// The workers count before the pools are joined, so jobs can hold the core by reference.
constexpr int kReaderThreads = 2;
constexpr int kSqlThreads = 2;

} // namespace

ServerCore::ServerCore(const config::Config& c, sync::SyncControl& s)
    : config(c), sync(s), readers("query reader", c.storage.database, kReaderThreads),
      sqlWorkers("sql worker", c.storage.database, kSqlThreads), consumers(c.storage.database), startedAt(nowUtc()),
      startedSteady(std::chrono::steady_clock::now()), live_(std::make_shared<const config::Config>(c)) {}

std::shared_ptr<const config::Config> ServerCore::live() const {
    std::lock_guard lock(liveMutex_);
    return live_;
}

void ServerCore::setLive(const config::Config& applied) {
    auto fresh = std::make_shared<const config::Config>(applied);
    std::lock_guard lock(liveMutex_);
    live_ = std::move(fresh);
}

void ServerCore::sessionGone(std::uint64_t id) {
    sessions.erase(id);
    if (stopping && sessions.empty() && onAllClosed) std::exchange(onAllClosed, nullptr)();
}

} // namespace roomsd::api
