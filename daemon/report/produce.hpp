// One report request, start to finish: find the report (or "all"), bind, run,
// render. roomsctl --db and the daemon's GET /reports/NAME both call this, so
// they answer the same bytes.
// Thread-safety: one call at a time per connection; the catalog is only read.
#pragma once

#include <SQLiteCpp/Database.h>

#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "report/catalog.hpp"
#include "report/parameters.hpp"
#include "report/render.hpp"

namespace roomsd::report {

enum class OutputFormat { Table, Csv, Json, Html };

// Why `all` cannot be CSV (one table per file).
constexpr std::string_view kAllIsNotCsv =
    "report all has several tables; choose html, json or table, or one report for csv";

// "table", "csv", "json", "html"; nullopt for anything else.
std::optional<OutputFormat> parseOutputFormat(std::string_view name);

struct RenderedReport {
    std::string body;
    std::string contentType; // "text/html; charset=utf-8", "text/csv; charset=utf-8", ...
    std::string fileName;    // for downloads: "usage-by-day_2026-05-01_2026-05-31.csv"
};

// Runs report `name` ("all": every built-in, one after the other) and renders it.
// Errors: NotFound for an unknown report or room, Usage for bad arguments (csv of
// "all", an unknown parameter), Storage for a query that fails. Never partial.
Result<RenderedReport> produceReport(SQLite::Database& db, const ReportCatalog& catalog, std::string_view name,
                                     const ReportArguments& args, OutputFormat format, const Provenance& provenance,
                                     Timestamp now, std::stop_token stop = {});

// The catalog as JSON: {"reports":[{name,title,description,builtin,chart,parameters:[...]}],"problems":[...]}.
std::string catalogJson(const ReportCatalog& catalog);

} // namespace roomsd::report
