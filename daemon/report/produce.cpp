// Producing a report: the steps in order, each failure one line.
// Thread-safety: see produce.hpp.
#include "report/produce.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "common/strings.hpp"

namespace roomsd::report {

std::optional<OutputFormat> parseOutputFormat(std::string_view name) {
    if (name == "table") return OutputFormat::Table;
    if (name == "csv") return OutputFormat::Csv;
    if (name == "json") return OutputFormat::Json;
    if (name == "html") return OutputFormat::Html;
    return std::nullopt;
}

Result<RenderedReport> produceReport(SQLite::Database& db, const ReportCatalog& catalog, std::string_view name,
                                     const ReportArguments& args, OutputFormat format, const Provenance& provenance,
                                     Timestamp now, std::stop_token stop) {
    std::vector<const ReportDefinition*> defs;
    bool all = name == "all";
    if (all) {
        // The order of the page: usage first, then configuration, then the mirror itself.
        static constexpr std::string_view kPageOrder[] = {
            "usage-by-day",    "top-rooms",     "session-durations",     "peak-concurrency",
            "recording-rooms", "webhook-audit", "stale-active-sessions", "sync-health"};
        for (std::string_view n : kPageOrder)
            if (const ReportDefinition* d = catalog.find(n); d && d->builtin) defs.push_back(d);
        for (const ReportDefinition& d : catalog.reports())
            if (d.builtin && std::find(defs.begin(), defs.end(), &d) == defs.end()) defs.push_back(&d);
        if (format == OutputFormat::Csv) return fail(ErrorKind::Usage, std::string(kAllIsNotCsv));
    } else if (const ReportDefinition* d = catalog.find(name)) {
        defs.push_back(d);
    } else {
        std::string known;
        for (const ReportDefinition& r : catalog.reports()) known += (known.empty() ? "" : ", ") + r.name;
        return fail(ErrorKind::NotFound, "no report named " + quoteForLog(name, 70) + " (known: " + known + ", all)");
    }
    if (defs.empty()) return fail(ErrorKind::NotFound, "no built-in reports are installed");

    auto period = resolvePeriod(args, now);
    if (!period) return std::move(period).error();
    if (all) {
        // Each --param must mean something to at least one report.
        // (Not a structured binding: Clang 14 cannot capture one in the lambda.)
        for (const auto& entry : args.params) {
            const auto& param = entry.first;
            if (std::none_of(defs.begin(), defs.end(), [&](const ReportDefinition* d) { return d->findParam(param); }))
                return fail(ErrorKind::Usage, "no built-in report has a parameter " + quoteForLog(param, 40));
        }
    }
    std::vector<ReportOutcome> outcomes;
    store::SqlLimits limits = defaultReportLimits();
    for (const ReportDefinition* d : defs) {
        ReportArguments own = args;
        if (all) std::erase_if(own.params, [&](const auto& p) { return !d->findParam(p.first); });
        auto bound = bindReport(*d, *period, own);
        if (!bound) return std::move(bound).error();
        auto table = runReport(db, *d, *bound, limits, stop);
        if (!table) return std::move(table).error();
        outcomes.push_back({d, std::move(*bound), std::move(*table)});
    }

    RenderedReport out;
    std::string stem = std::string(name) + "_" + formatDate(period->from) + "_" + formatDate(period->to);
    switch (format) {
    case OutputFormat::Table:
        out.body = renderText(outcomes);
        out.contentType = "text/plain; charset=utf-8";
        out.fileName = stem + ".txt";
        break;
    case OutputFormat::Csv:
        out.body = renderCsv(outcomes.front());
        out.contentType = "text/csv; charset=utf-8";
        out.fileName = stem + ".csv";
        break;
    case OutputFormat::Json:
        out.body = renderJson(outcomes, all);
        out.contentType = "application/json";
        out.fileName = stem + ".json";
        break;
    case OutputFormat::Html:
        out.body = renderHtml(outcomes, provenance);
        out.contentType = "text/html; charset=utf-8";
        out.fileName = stem + ".html";
        break;
    }
    return out;
}

std::string catalogJson(const ReportCatalog& catalog) {
    namespace json = boost::json;
    json::array reports;
    for (const ReportDefinition& d : catalog.reports()) {
        json::array params;
        for (const ParamSpec& p : d.params)
            params.push_back(json::object{{"name", p.name},
                                          {"type", toString(p.type)},
                                          {"default", p.defaultValue ? json::value(*p.defaultValue) : nullptr},
                                          {"description", p.description}});
        const char* chart = d.chart.kind == ChartKind::Bar             ? "bar"
                            : d.chart.kind == ChartKind::HorizontalBar ? "hbar"
                                                                       : "none";
        reports.push_back(json::object{{"name", d.name},
                                       {"title", d.title},
                                       {"description", d.description},
                                       {"builtin", d.builtin},
                                       {"chart", chart},
                                       {"parameters", std::move(params)}});
    }
    json::array problems;
    for (const std::string& p : catalog.problems()) problems.push_back(json::string(p));
    return json::serialize(json::object{{"reports", std::move(reports)}, {"problems", std::move(problems)}}) + "\n";
}

} // namespace roomsd::report
