// roomsd's configuration: plain structs with their defaults, and the loader.
//
// The loader is the only code that sees yaml-cpp. Every error names the file,
// the line and the key, and says what to fix; an unknown key, a wrong type or an
// out-of-range value stops the program before it does anything.
// Thread-safety: Config is a value; load functions are reentrant.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/result.hpp"
#include "common/secret.hpp"
#include "config/errors.hpp"

namespace roomsd::config {

struct TelnyxConfig {
    std::string baseUrl = "https://api.telnyx.com/v2";
    std::optional<std::filesystem::path> apiKeyFile; // else $CREDENTIALS_DIRECTORY/api_key, else TELNYX_API_KEY
    int pageSize = 250;
    int timeoutSecs = 30;
    int connectTimeoutSecs = 10;
    int maxInFlight = 4;
    int maxRetries = 5;
    bool operator==(const TelnyxConfig&) const = default;
};

struct SyncConfig {
    int intervalSecs = 300;
    int lookbackDays = 1;
    int reconcileEveryHours = 24; // 0: never reconcile after the first full pass
    bool operator==(const SyncConfig&) const = default;
};

struct StorageConfig {
    std::filesystem::path database = "/var/lib/roomsd/roomsd.db";
    int syncRunsRetentionDays = 30;
    bool operator==(const StorageConfig&) const = default;
};

struct TcpEndpoint {
    std::string host; // a loopback address
    std::uint16_t port = 0;
    bool operator==(const TcpEndpoint&) const = default;
};

struct ServerConfig {
    std::filesystem::path socket = "/run/roomsd/roomsd.sock";
    unsigned socketMode = 0660;
    std::optional<TcpEndpoint> tcp;
    std::optional<std::filesystem::path> tcpTokenFile; // a bearer token TCP clients must send; unset: none
    int maxConnections = 64;
    int requestTimeoutSecs = 10; // to read one request, and idle time between keep-alive requests
    std::size_t maxBodyBytes = 1u << 20;
    int sqlTimeoutMs = 5000;
    std::int64_t sqlMaxRows = 10000;
    std::size_t sqlMaxBytes = 16u << 20;
    std::uint64_t sqlMaxExportBytes = 4ull << 30; // CSV and JSON-lines answers, which stream
    bool operator==(const ServerConfig&) const = default;
};

struct LogConfig {
    std::string level = "info"; // trace, debug, info, warn, error, off
    bool operator==(const LogConfig&) const = default;
};

struct ReportsConfig {
    std::filesystem::path dir = "/etc/roomsd/reports.d"; // user reports (*.sql); may be missing
    bool operator==(const ReportsConfig&) const = default;
};

// The change log (README, "Change feed"): changes older than retainDays, or past the newest
// retainCount, are trimmed after a pass, except those a registered consumer has not acknowledged.
struct ChangesConfig {
    int retainDays = 7;
    std::int64_t retainCount = 100000;
    bool operator==(const ChangesConfig&) const = default;
};

struct Config {
    TelnyxConfig telnyx;
    SyncConfig sync;
    StorageConfig storage;
    ServerConfig server;
    LogConfig log;
    ReportsConfig reports;
    ChangesConfig changes;
    std::filesystem::path sourceFile; // the file it was loaded from, for messages
    bool operator==(const Config&) const = default;
};

// Loads and validates `path`. Relative paths inside are resolved against the
// directory of `path`. Throws ConfigError.
Config loadConfig(const std::filesystem::path& path);

// Loads from YAML text (for tests); `sourceName` is used in messages and
// relative paths resolve against `baseDir`.
Config loadConfigFromString(const std::string& yaml, const std::string& sourceName,
                            const std::filesystem::path& baseDir);

// Finds the API key: telnyx.api_key_file, else $CREDENTIALS_DIRECTORY/api_key
// (systemd LoadCredential), else the TELNYX_API_KEY environment variable.
// `env` looks up an environment variable (std::getenv in production).
Result<Secret> loadApiKey(const Config& config, const std::map<std::string, std::string>& env);

// The key and where it came from, as messages name it ("telnyx.api_key_file /etc/...",
// "the systemd credential /run/credentials/roomsd.service/api_key", "the TELNYX_API_KEY
// environment variable"), so that a rejected key's message points at the right place.
struct ApiKey {
    Secret key;
    std::string source;
};
Result<ApiKey> findApiKey(const Config& config, const std::map<std::string, std::string>& env);

// The bearer token of server.tcp_token_file, checked like the API key (the token alone, not
// empty); nullopt when the key is unset. The token never appears in a message.
Result<std::optional<Secret>> loadTcpToken(const Config& config);

// The process environment entries loadApiKey reads.
std::map<std::string, std::string> apiKeyEnvironment();

} // namespace roomsd::config
