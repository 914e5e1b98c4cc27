// Logging set-up for the binaries: spdlog to stderr.
//
// Under systemd (JOURNAL_STREAM set) lines carry a "<N>" syslog priority
// prefix and no timestamp, as the journal adds its own; elsewhere they carry a
// UTC timestamp. A log call never throws into its caller.
// Thread-safety: call once at start-up, before other threads.
#pragma once

#include <string>

namespace roomsd::app {

// Sends the default logger to stderr at `level` ("info", "debug", ...).
void setupLogging(const std::string& level);
// Changes the level of the logger setupLogging made (SIGHUP). Thread-safe.
void setLogLevel(const std::string& level);

} // namespace roomsd::app
