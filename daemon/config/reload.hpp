// What a reload (SIGHUP) may change while roomsd runs, and what needs a restart.
//
// Every key of Config is listed once in reload.cpp as live (read again at the next pass or
// request: the log level, intervals, page size, limits) or restart-only (what roomsd opened or
// bound at start: the database, the sockets and TCP listener, the API key and its source, the
// HTTP client's settings). A reload keeps the running value of every restart-only key, so the
// configuration in force always says what roomsd does.
// Thread-safety: pure functions over values.
#pragma once

#include <string>
#include <vector>

#include "config/config.hpp"

namespace roomsd::config {

struct KeyChange {
    std::string key;   // e.g. "telnyx.page_size"
    std::string value; // its value in the file, as a message shows it ("unset" for none)
    bool operator==(const KeyChange&) const = default;
};

struct ReloadPlan {
    Config applied;                     // `fresh`, with the running value of each restart-only key
    std::vector<KeyChange> changed;     // live keys whose value changed
    std::vector<KeyChange> needRestart; // restart-only keys whose value changed (and were kept)
};

// Compares the configuration in force with one just loaded from the same file.
ReloadPlan planReload(const Config& running, const Config& fresh);

} // namespace roomsd::config
