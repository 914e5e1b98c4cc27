#include "config/reload.hpp"

#include <cstdio>
#include <functional>
#include <optional>
#include <type_traits>

namespace roomsd::config {
namespace {

struct KeyRule {
    const char* key;
    bool live;
    std::function<bool(const Config&, const Config&)> differs;
    std::function<void(Config& to, const Config& from)> copy;
    std::function<std::string(const Config&)> show;
};

std::string show(const std::string& s) { return s; }
std::string show(const std::filesystem::path& p) { return p.string(); }
std::string show(const TcpEndpoint& t) { return t.host + ":" + std::to_string(t.port); }
template <class T>
std::string show(const T& n) requires std::is_arithmetic_v<T> {
    return std::to_string(n);
}
template <class T>
std::string show(const std::optional<T>& o) {
    return o ? show(*o) : "unset";
}

template <class Section, class T, class Show>
KeyRule rule(const char* key, bool live, Section Config::*section, T Section::*member, Show shown) {
    return KeyRule{key, live,
                   [=](const Config& a, const Config& b) { return !((a.*section).*member == (b.*section).*member); },
                   [=](Config& to, const Config& from) { (to.*section).*member = (from.*section).*member; },
                   [=](const Config& c) { return shown((c.*section).*member); }};
}

template <class Section, class T>
KeyRule rule(const char* key, bool live, Section Config::*section, T Section::*member) {
    return rule(key, live, section, member, [](const T& v) { return show(v); });
}

std::string octal(unsigned mode) {
    char text[16];
    std::snprintf(text, sizeof text, "\"%04o\"", mode);
    return text;
}

constexpr bool kLive = true;
constexpr bool kRestart = false;

// Every key, once. A key missing here would be applied by a reload as if live (planReload takes
// `fresh` whole); config's tests check the list against a file that sets every key.
const std::vector<KeyRule>& rules() {
    static const std::vector<KeyRule> all{
        rule("telnyx.base_url", kRestart, &Config::telnyx, &TelnyxConfig::baseUrl),
        rule("telnyx.api_key_file", kRestart, &Config::telnyx, &TelnyxConfig::apiKeyFile),
        rule("telnyx.page_size", kLive, &Config::telnyx, &TelnyxConfig::pageSize),
        rule("telnyx.timeout_secs", kRestart, &Config::telnyx, &TelnyxConfig::timeoutSecs),
        rule("telnyx.connect_timeout_secs", kRestart, &Config::telnyx, &TelnyxConfig::connectTimeoutSecs),
        rule("telnyx.max_in_flight", kLive, &Config::telnyx, &TelnyxConfig::maxInFlight),
        rule("telnyx.max_retries", kRestart, &Config::telnyx, &TelnyxConfig::maxRetries),
        rule("sync.interval_secs", kLive, &Config::sync, &SyncConfig::intervalSecs),
        rule("sync.lookback_days", kLive, &Config::sync, &SyncConfig::lookbackDays),
        rule("sync.reconcile_every_hours", kLive, &Config::sync, &SyncConfig::reconcileEveryHours),
        rule("storage.database", kRestart, &Config::storage, &StorageConfig::database),
        rule("storage.sync_runs_retention_days", kLive, &Config::storage, &StorageConfig::syncRunsRetentionDays),
        rule("server.socket", kRestart, &Config::server, &ServerConfig::socket),
        rule("server.socket_mode", kRestart, &Config::server, &ServerConfig::socketMode, octal),
        rule("server.tcp", kRestart, &Config::server, &ServerConfig::tcp),
        rule("server.tcp_token_file", kRestart, &Config::server, &ServerConfig::tcpTokenFile),
        rule("server.max_connections", kLive, &Config::server, &ServerConfig::maxConnections),
        rule("server.request_timeout_secs", kLive, &Config::server, &ServerConfig::requestTimeoutSecs),
        rule("server.max_body_bytes", kLive, &Config::server, &ServerConfig::maxBodyBytes),
        rule("server.sql_timeout_ms", kLive, &Config::server, &ServerConfig::sqlTimeoutMs),
        rule("server.sql_max_rows", kLive, &Config::server, &ServerConfig::sqlMaxRows),
        rule("server.sql_max_bytes", kLive, &Config::server, &ServerConfig::sqlMaxBytes),
        rule("server.sql_max_export_bytes", kLive, &Config::server, &ServerConfig::sqlMaxExportBytes),
        rule("log.level", kLive, &Config::log, &LogConfig::level),
        rule("reports.dir", kLive, &Config::reports, &ReportsConfig::dir),
        rule("changes.retain_days", kLive, &Config::changes, &ChangesConfig::retainDays),
        rule("changes.retain_count", kLive, &Config::changes, &ChangesConfig::retainCount),
    };
    return all;
}

} // namespace

ReloadPlan planReload(const Config& running, const Config& fresh) {
    ReloadPlan plan;
    plan.applied = fresh;
    for (const KeyRule& r : rules()) {
        if (!r.differs(running, fresh)) continue;
        KeyChange change{r.key, r.show(fresh)};
        if (r.live) {
            plan.changed.push_back(std::move(change));
        } else {
            plan.needRestart.push_back(std::move(change));
            r.copy(plan.applied, running);
        }
    }
    return plan;
}

} // namespace roomsd::config
