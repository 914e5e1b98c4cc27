// Contract checks of the configuration loader (config/config.hpp).
#include <set>

#include "config/config.hpp"
#include "fuzz/check_support.hpp"
#include "fuzz/targets.hpp"

namespace roomsd::fuzz {
namespace {

constexpr std::string_view kSource = "roomsd.yaml";

template <class T>
bool within(T value, long long low, long long high) {
    return static_cast<long long>(value) >= low && static_cast<long long>(value) <= high;
}

// A loaded Config holds only values validation lets through.
Violation checkLoaded(const config::Config& c) {
    auto bad = [](std::string_view key) {
        return broken("loadConfigFromString", "accepted a bad " + std::string(key));
    };
    const std::string& url = c.telnyx.baseUrl;
    if (!url.starts_with("https://") && !url.starts_with("http://")) return bad("telnyx.base_url");
    for (unsigned char ch : url)
        if (ch <= 0x20 || ch >= 0x7F) return bad("telnyx.base_url");
    if (c.telnyx.apiKeyFile && !c.telnyx.apiKeyFile->is_absolute()) return bad("telnyx.api_key_file");
    if (!within(c.telnyx.pageSize, 1, 250)) return bad("telnyx.page_size");
    if (!within(c.telnyx.timeoutSecs, 1, 3600)) return bad("telnyx.timeout_secs");
    if (!within(c.telnyx.connectTimeoutSecs, 1, 600)) return bad("telnyx.connect_timeout_secs");
    if (!within(c.telnyx.maxInFlight, 1, 32)) return bad("telnyx.max_in_flight");
    if (!within(c.telnyx.maxRetries, 0, 20)) return bad("telnyx.max_retries");
    if (!within(c.sync.intervalSecs, 1, 7 * 86400)) return bad("sync.interval_secs");
    if (!within(c.sync.lookbackDays, 0, 365)) return bad("sync.lookback_days");
    if (!within(c.sync.reconcileEveryHours, 0, 24 * 365)) return bad("sync.reconcile_every_hours");
    if (!c.storage.database.is_absolute()) return bad("storage.database");
    if (!within(c.storage.syncRunsRetentionDays, 1, 3650)) return bad("storage.sync_runs_retention_days");
    if (!c.server.socket.is_absolute() || c.server.socket.string().size() > 107) return bad("server.socket");
    if (c.server.socketMode > 0777 || (c.server.socketMode & 0600) != 0600) return bad("server.socket_mode");
    if (c.server.tcp && c.server.tcp->host != "::1" && !c.server.tcp->host.starts_with("127."))
        return bad("server.tcp");
    if (!within(c.server.maxConnections, 1, 10000)) return bad("server.max_connections");
    if (!within(c.server.requestTimeoutSecs, 1, 3600)) return bad("server.request_timeout_secs");
    if (!within(c.server.maxBodyBytes, 1024, 64ll << 20)) return bad("server.max_body_bytes");
    if (!within(c.server.sqlTimeoutMs, 10, 600000)) return bad("server.sql_timeout_ms");
    if (!within(c.server.sqlMaxRows, 1, 10000000)) return bad("server.sql_max_rows");
    if (!within(c.server.sqlMaxBytes, 1024, 1ll << 30)) return bad("server.sql_max_bytes");
    static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "off"};
    if (!kLevels.count(c.log.level)) return bad("log.level");
    if (c.sourceFile != kSource) return broken("loadConfigFromString", "lost the source name");
    return std::nullopt;
}

} // namespace

Violation checkConfig(std::string_view input) {
    return guarded("loadConfigFromString", [&]() -> Violation {
        try {
            return checkLoaded(config::loadConfigFromString(std::string(input), std::string(kSource), "/etc/roomsd"));
        } catch (const config::ConfigError& e) {
            // "FILE:LINE: key: problem", for a terminal or the journal: no control byte
            // from a hostile file may reach it.
            std::string_view message = e.what();
            if (!message.starts_with(kSource))
                return broken("ConfigError", "does not name the file: " + excerpt(message));
            if (hasControlByte(message)) return broken("ConfigError", "holds a control byte: " + excerpt(message));
            return std::nullopt;
        }
    });
}

} // namespace roomsd::fuzz
