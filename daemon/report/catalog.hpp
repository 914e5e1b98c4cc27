// ReportCatalog: the report definitions found in the built-in folder and in the
// user's folder (reports.dir), each checked against the mirror's schema.
//
// Every *.sql file is one report named after the file. A file that does not parse,
// whose query SQLite does not accept, or that uses an undeclared parameter is left
// out and listed in problems() as "FILE:LINE: problem"; it never stops the others.
// A user report with a built-in's name is left out too: the built-in reports mean
// what the README says on every installation.
// Thread-safety: a catalog is an immutable value once loaded.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "report/definition.hpp"

namespace roomsd::report {

class ReportCatalog {
public:
    const std::vector<ReportDefinition>& reports() const { return reports_; } // built-ins first, each by name
    const std::vector<std::string>& problems() const { return problems_; }
    const ReportDefinition* find(std::string_view name) const;

    // Loads `builtinDir` (a missing folder is a problem) and `userDir` (may be missing).
    static ReportCatalog load(const std::filesystem::path& builtinDir,
                              const std::optional<std::filesystem::path>& userDir);

    // Adds the report in `text`, checked; false (and a problem) when it is refused.
    bool add(std::string_view text, const std::string& fileName, const std::string& source, bool builtin);

private:
    void loadFolder(const std::filesystem::path& dir, bool builtin, bool mustExist);

    std::vector<ReportDefinition> reports_;
    std::vector<std::string> problems_;
};

// Checks `def`'s query against the mirror's schema (an in-memory database migrated
// with the embedded migrations): SQL errors with their line, one read-only statement,
// parameters that are standard or declared, chart and unit columns that exist.
Result<void> checkQuery(const ReportDefinition& def);

// The folder of the built-in reports for a program at `executable`: <prefix>/share/roomsd/reports
// next to its bin/ folder (the build tree has the same layout).
std::filesystem::path builtinReportsDir(const std::filesystem::path& executable);

} // namespace roomsd::report
