// The four outputs of a report: a terminal table, CSV, JSON and a self-contained
// HTML page. Each takes computed reports (runner.hpp) and returns the whole
// document, so nothing is written until everything rendered.
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>

#include "report/runner.hpp"

namespace roomsd::report {

// What every output says about where the figures come from.
struct Provenance {
    std::string version;  // roomsd's
    std::string database; // the mirror's file, as the reader named it
};

// Aligned columns per report, with its title, period and freshness above; values escaped for a terminal.
std::string renderText(std::span<const ReportOutcome> reports);

// RFC 4180 with a header row and CRLF line ends; exactly one report.
std::string renderCsv(const ReportOutcome& report);

// One report as {"report":...,"columns":[...],"rows":[{...}],"total":...}; several as {"reports":[...]}.
std::string renderJson(std::span<const ReportOutcome> reports, bool several);

// One HTML page: inline CSS and SVG only, under a Content-Security-Policy that
// forbids everything else; every value HTML-escaped.
std::string renderHtml(std::span<const ReportOutcome> reports, const Provenance& provenance);

// `s` with & < > " ' as HTML character references.
std::string escapeHtml(std::string_view s);

} // namespace roomsd::report
