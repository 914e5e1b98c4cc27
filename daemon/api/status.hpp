// GET /status: the daemon, its database and each stream's sync state, as JSON.
// The API key never appears; the Telnyx base URL cannot hold credentials
// (the configuration refuses them).
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.hpp"
#include "store/change_consumers.hpp"
#include "store/mirror_reader.hpp"
#include "sync/sync_control.hpp"

namespace roomsd::api {

struct StatusInput {
    std::string_view version;
    std::string startedAt;
    double uptimeSeconds = 0;
    std::string databasePath;
    std::uint64_t databaseBytes = 0;
    std::uint64_t walBytes = 0;
    store::MirrorOverview mirror;
    std::optional<store::FeedOverview> changes; // nullopt when the change log could not be read
    sync::SyncActivity activity;
    int intervalSecs = 0;
    std::string baseUrl;
    Timestamp now;
};

std::string renderStatus(const StatusInput& input);

} // namespace roomsd::api
