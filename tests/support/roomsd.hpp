// The real roomsd binary configured against a telnyx-sim: the one config writer
// every roomsd fixture uses, the environment roomsd runs with in tests, and
// RoomsdSetup for `roomsd --once` (the daemon is RoomsdDaemon in daemon.hpp).
// Thread-safety: one owner per RoomsdSetup; its const members may be called from any thread.
#pragma once

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "support/process.hpp"
#include "support/sim.hpp"

namespace roomsd::test {

// Settings by section, laid over the defaults in order, e.g. {"telnyx", "page_size: 7\nmax_in_flight: 2"}:
// one "key: value" a line (indentation ignored); a key given again replaces the earlier value.
using ConfigYaml = std::vector<std::pair<std::string, std::string>>;

// Writes <dir>/roomsd.yaml for a roomsd mirroring `sim`: telnyx.base_url, storage.database
// <dir>/mirror.db, server.socket `socket` and log.level debug, with `yaml` over them. Returns its path.
std::filesystem::path writeRoomsdConfig(const std::filesystem::path& dir, const SimProcess& sim,
                                        const std::filesystem::path& socket, const ConfigYaml& yaml = {});

// How tests start roomsd: `apiKey` as TELNYX_API_KEY, and none of the service manager's
// variables the test runner itself may have (credentials, journal, notify socket, watchdog).
SpawnOptions roomsdEnvironment(const std::string& apiKey);

// A roomsd set-up in its own temporary directory: config file, database, socket.
class RoomsdSetup {
public:
    // The config has page_size 50 and timeout_secs 10 under telnyx, then `extraYaml`.
    explicit RoomsdSetup(const SimProcess& sim, const ConfigYaml& extraYaml = {});

    const std::filesystem::path& configPath() const { return config_; }
    std::filesystem::path database() const { return dir_ / "mirror.db"; }
    std::filesystem::path socket() const { return dir_ / "roomsd.sock"; }
    const TempDir& dir() const { return dir_; }
    const std::string& apiKey() const { return apiKey_; }

    // Runs `roomsd --config ... --once` with the simulator's key (or `key`).
    RunResult runOnce(const std::string& key = "") const;
    // Runs roomsd with `args` after --config.
    RunResult run(const std::vector<std::string>& args, const std::string& key = "") const;
    // Starts roomsd with `args` after --config and the simulator's key, without waiting; its stderr goes to
    // `stderrPath`.
    ChildProcess start(const std::vector<std::string>& args, const std::filesystem::path& stderrPath) const;
    // A read-only connection to the mirror.
    SQLite::Database open() const;

private:
    TempDir dir_;
    std::filesystem::path config_;
    std::string apiKey_;
};

// A single value from the mirror ("NULL" for NULL).
std::string queryOne(SQLite::Database& db, const std::string& sql);

} // namespace roomsd::test
