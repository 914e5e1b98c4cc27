// roomsctl report: `report list` and `report NAME [...]`, through the daemon's socket
// (GET /reports, GET /reports/NAME) or, with --db, on a database file opened read-only.
//
// Both ways end in produceReport(), so they print the same bytes. The command line is
// checked before anything is opened (a bad date or format is exit 2); what only the
// catalog knows (an unknown report or parameter, a failing query) is exit 1, a daemon
// that cannot be reached exit 3. --output is written to a temporary file next to it and
// renamed into place only once the whole report is there.
// Thread-safety: one call at a time; output goes only to the streams given.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "ctl/transport.hpp"
#include "report/parameters.hpp"

namespace CLI {
class App;
}

namespace roomsd::report {

struct ReportCommand {
    bool list = false;
    std::string name;                   // a report, or "all"
    ReportArguments args;               // --from, --to, --room, --param
    std::vector<std::string> rawParams; // --param k=v as typed
    std::string format;                 // table, csv, json, html
    std::optional<std::filesystem::path> output;
    std::optional<std::filesystem::path> database; // --db: no daemon
    std::filesystem::path builtinDir;              // --db: the built-in reports, next to the executable
    std::filesystem::path userDir;                 // --db: --reports-dir
};

// Adds `report` and its options to roomsctl's command line, written into `command`.
CLI::App* addReportCommand(CLI::App& cli, ReportCommand& command);

// Runs the command with the global --format (empty: table on a terminal, else json);
// returns roomsctl's exit status.
int runReportCommand(ReportCommand command, const std::string& format, ctl::Transport& transport, std::ostream& out,
                     std::ostream& err);

// GET /reports/NAME?from=..&to=..&room=..&format=..&k=v (names and values percent-encoded).
std::string reportTarget(const std::string& name, const ReportArguments& args, const std::string& format);

// Writes `body` to `path` through a temporary file in the same folder, renamed on success.
Result<void> writeFileAtomically(const std::filesystem::path& path, const std::string& body);

} // namespace roomsd::report
