// roomsd-replicate's configuration: a plain struct with its defaults, its loader, and
// where the PostgreSQL connection string comes from.
//
// Loaded and validated like roomsd's (config.hpp): an unknown key, a wrong type or an
// out-of-range value is a ConfigError that names the file, the line and the key.
// Thread-safety: ReplicateConfig is a value; the functions are reentrant.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "common/secret.hpp"
#include "config/config.hpp"
#include "config/errors.hpp"

namespace roomsd::config {

struct ReplicateConfig {
    std::filesystem::path mirrorSocket = "/run/roomsd/roomsd.sock"; // mirror.socket: roomsd's query API
    // postgres.conninfo_file: a file holding the libpq connection string; unset:
    // $CREDENTIALS_DIRECTORY/pg_conninfo (systemd LoadCredential).
    std::optional<std::filesystem::path> conninfoFile;
    std::string schema = "roomsd";    // postgres.schema: where the tables and views are
    std::string consumer = "replica"; // the consumer name registered with roomsd
    int batch = 1000;                 // changes per request and per PostgreSQL transaction
    int waitSecs = 30;                // the long-poll of GET /changes
    LogConfig log;
    std::filesystem::path sourceFile; // the file it was loaded from, for messages
    bool operator==(const ReplicateConfig&) const = default;
};

// Loads and validates `path` (relative paths inside resolve against its directory). Throws ConfigError.
ReplicateConfig loadReplicateConfig(const std::filesystem::path& path);
// The same from YAML text (tests); `sourceName` is used in messages.
ReplicateConfig loadReplicateConfigFromString(const std::string& yaml, const std::string& sourceName,
                                              const std::filesystem::path& baseDir);

// The libpq connection string: postgres.conninfo_file, else $CREDENTIALS_DIRECTORY/pg_conninfo
// (`env` holds CREDENTIALS_DIRECTORY when set). Surrounding white space is dropped; an empty or
// missing one is an Error that names the file, never its content.
Result<Secret> loadConninfo(const ReplicateConfig& config, const std::map<std::string, std::string>& env);

} // namespace roomsd::config
