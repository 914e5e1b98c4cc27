// The query API's own counters, and /metrics in the Prometheus text format
// (version 0.0.4).
//
// Requests are counted by route pattern ("/v2/rooms/{id}", "other" for
// anything unknown), never by raw path, so the number of series stays bounded
// whatever clients send.
// Thread-safety: ApiMetrics may be used from any thread; renderMetrics is pure.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "store/change_consumers.hpp"
#include "store/mirror_reader.hpp"
#include "sync/sync_control.hpp"

namespace roomsd::api {

// Upper bounds of the request duration histogram, in seconds (+Inf implied).
inline constexpr std::array<double, 13> kDurationBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                         0.25,  0.5,    1,     2.5,  5,     10};

struct RouteStats {
    std::map<unsigned, std::uint64_t> byStatus;
    std::array<std::uint64_t, kDurationBuckets.size()> buckets{}; // requests that took <= each bound
    std::uint64_t count = 0;
    double sumSeconds = 0;
};

struct ApiMetricsSnapshot {
    std::map<std::string, RouteStats, std::less<>> routes; // by route label
    std::int64_t connectionsOpen = 0;
    std::uint64_t connectionsRejected = 0;
};

class ApiMetrics {
public:
    void recordRequest(std::string_view route, unsigned status, double seconds);
    void connectionOpened();
    void connectionClosed();
    void connectionRejected();
    std::int64_t connectionsOpen() const;
    ApiMetricsSnapshot snapshot() const;

private:
    mutable std::mutex mutex_;
    ApiMetricsSnapshot data_;
};

struct MetricsInput {
    std::string_view version;
    double uptimeSeconds = 0;
    sync::SyncActivity activity;
    const store::MirrorOverview* mirror = nullptr; // nullptr when the database could not be read
    const store::FeedOverview* changes = nullptr;  // likewise
    std::int64_t changeWaiters = 0;                // long-polls and event streams open
    std::uint64_t databaseBytes = 0;
    ApiMetricsSnapshot api;
};

// The whole /metrics document.
std::string renderMetrics(const MetricsInput& input);

// `value` escaped for a label value: backslash, double quote and newline.
std::string escapeLabelValue(std::string_view value);

} // namespace roomsd::api
