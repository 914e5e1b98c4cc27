// A small hand-made mirror with known report answers, written through the store's
// public writer (store::MirrorWriter, SyncStateStore) into a real SQLite file, and
// the report library run on it as roomsctl --db runs it.
// Thread-safety: one test thread.
#pragma once

#include <boost/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "report/catalog.hpp"
#include "report/produce.hpp"
#include "support/process.hpp"

namespace roomsd::test {

// Rooms alpha (recording, fully configured), beta (no webhook, no failover, timeout 45)
// and gamma (deleted); sessions that span midnight, start before the period, still run,
// or are deleted; participants clipped at both ends of 2026-03-10..2026-03-11, still
// present, deleted, and one joining the instant another leaves. See report_fixture.cpp.
class ReportFixture {
public:
    ReportFixture();

    const std::filesystem::path& database() const { return database_; }
    const report::ReportCatalog& catalog() const { return catalog_; }

    // The report's JSON output for `args` (as the user would get it), generated at `now`.
    boost::json::object json(const std::string& name, const report::ReportArguments& args,
                             const std::string& now = "2026-04-01T00:00:00Z") const;
    // The report in `format`; fails the test when it does not run.
    std::string render(const std::string& name, const report::ReportArguments& args, report::OutputFormat format,
                       const std::string& now = "2026-04-01T00:00:00Z") const;
    // The error produceReport gives.
    Error error(const std::string& name, const report::ReportArguments& args,
                report::OutputFormat format = report::OutputFormat::Json) const;

private:
    TempDir dir_;
    std::filesystem::path database_;
    report::ReportCatalog catalog_;
};

// The period of the fixture: 2026-03-10 to 2026-03-11.
report::ReportArguments fixturePeriod();

// The built-in reports in the source tree.
std::filesystem::path builtinSourceDir();

} // namespace roomsd::test
