// The real roomsd binary, configured against a telnyx-sim for one test.
#pragma once

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/sim.hpp"

namespace roomsd::test {

// A roomsd set-up in its own temporary directory: config file, database, socket.
class RoomsdSetup {
public:
    // `extraYaml` sets keys per section, e.g. {"telnyx", "page_size: 7\nmax_in_flight: 2"};
    // a key given there replaces the default.
    explicit RoomsdSetup(const SimProcess& sim, std::vector<std::pair<std::string, std::string>> extraYaml = {});

    const std::filesystem::path& configPath() const { return config_; }
    std::filesystem::path database() const { return dir_ / "mirror.db"; }
    std::filesystem::path socket() const { return dir_ / "roomsd.sock"; }
    const TempDir& dir() const { return dir_; }
    const std::string& apiKey() const { return apiKey_; }

    // Runs `roomsd --config ... --once` with the simulator's key (or `key`).
    RunResult runOnce(const std::string& key = "") const;
    // Runs roomsd with `args` after --config.
    RunResult run(const std::vector<std::string>& args, const std::string& key = "") const;
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
