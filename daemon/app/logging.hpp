// Logging set-up for the binaries.
//
// Under systemd (JOURNAL_STREAM names stderr's device and inode) records go to the journal
// natively, with their priority and structured fields (app/journal_sink.hpp); elsewhere,
// including a stderr redirected away from the journal, to stderr with a UTC timestamp.
// A log call never throws into its caller.
// Thread-safety: setupLogging once at start-up, before other threads; setLogLevel from any.
#pragma once

#include <string>

namespace roomsd::app {

// Makes the default logger (journal or stderr, as above) at `level` ("info", "debug", ...);
// `identifier` is the journal's SYSLOG_IDENTIFIER.
void setupLogging(const std::string& level, const std::string& identifier = "roomsd");
// Changes the level of the logger setupLogging made (SIGHUP). Thread-safe.
void setLogLevel(const std::string& level);

} // namespace roomsd::app
