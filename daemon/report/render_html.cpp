// The HTML page: a header with the period, parameters and the mirror's freshness,
// then each report's chart with its table below. Inline CSS and SVG only; the
// Content-Security-Policy forbids scripts, fonts, images and any request at all.
// Thread-safety: pure functions.
#include <algorithm>

#include "report/cells.hpp"
#include "report/chart_svg.hpp"
#include "report/render.hpp"

namespace roomsd::report {
namespace {

constexpr std::string_view kPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; font-src 'none'; "
                                     "connect-src 'none'; base-uri 'none'; form-action 'none'";

constexpr std::string_view kStyle = R"css(
:root{--ink:#1d2733;--muted:#5b6675;--line:#d9dee5;--soft:#f4f6f9;--accent:#1f5fa8}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:#fff;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:980px;margin:0 auto;padding:32px 28px 48px}
header.page{border-top:6px solid var(--accent);padding-top:18px;margin-bottom:8px}
h1{font-size:26px;margin:0 0 4px;letter-spacing:-.01em}
.subtitle{color:var(--muted);font-size:15px;margin:0 0 16px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:0 0 20px;padding:12px 16px;background:var(--soft);border-radius:6px}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;font-variant-numeric:tabular-nums}
.warning{border-left:4px solid #c77d00;background:#fff6e5;padding:8px 12px;margin:0 0 20px}
nav.toc{margin:0 0 16px}
nav.toc ol{margin:4px 0 0;padding-left:20px;columns:2}
section.report{margin:28px 0 0;padding-top:20px;border-top:1px solid var(--line)}
h2{font-size:19px;margin:0 0 4px}
.description{color:var(--muted);margin:0 0 12px;max-width:70ch}
.params{font-size:13px;color:var(--muted);margin:0 0 10px}
figure{margin:0 0 14px;overflow-x:auto}
svg.chart{width:100%;min-width:540px;height:auto;display:block}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:0 0 20px}
.card{flex:1 1 180px;border:1px solid var(--line);border-radius:6px;padding:10px 14px}
.card .value{font-size:24px;font-weight:700;font-variant-numeric:tabular-nums}
.card .label{color:var(--muted);font-size:13px}
svg .mark{fill:var(--accent)}
svg .grid{stroke:#e6e9ee;stroke-width:1}
svg .axis{stroke:#8a94a3;stroke-width:1}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#4a5563}
svg .value{fill:var(--ink)}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:6px 10px;text-align:left;border-bottom:1px solid var(--line);vertical-align:top;white-space:nowrap}
th{font-weight:600;background:var(--soft);white-space:nowrap}
th .unit{font-weight:400;color:var(--muted)}
td.num,th.num{text-align:right;white-space:nowrap}
tbody tr:nth-child(even) td{background:#fafbfc}
tfoot td{font-weight:700;border-top:2px solid var(--ink);border-bottom:none}
.empty{color:var(--muted);font-style:italic}
footer{margin-top:36px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:10px}
@media (max-width:640px){main{padding:18px 12px 32px}h1{font-size:21px}dl.meta{grid-template-columns:1fr}dl.meta dd{margin-bottom:6px}nav.toc ol{columns:1}th,td{padding:5px 6px}}
@media print{main{max-width:none;padding:0}header.page{border-top-width:3px}section.report{break-before:auto}figure,h2,.description{break-inside:avoid}h2{break-after:avoid}thead{display:table-header-group}tr{break-inside:avoid}.table-wrap,figure{overflow:visible}th,td{white-space:normal}svg.chart{min-width:0}a{color:inherit;text-decoration:none}}
)css";

// "Participant minutes" with its unit, unless the name says it already.
std::string withUnit(const std::string& column, const std::string& unit, bool markup) {
    std::string label = columnLabel(column);
    if (unit.empty() || label.find(unit) != std::string::npos) return escapeHtml(label);
    return escapeHtml(label) +
           (markup ? " <span class=\"unit\">(" + escapeHtml(unit) + ")</span>" : " (" + escapeHtml(unit) + ")");
}

std::string periodText(const Period& p) { return formatDate(p.from) + " to " + formatDate(p.to) + " (UTC)"; }

std::string shortTime(const std::string& stored) { return displayCell(store::SqlValue(stored)); }

// The headline figures: the numeric cells of the first total row on the page.
std::string cardsHtml(std::span<const ReportOutcome> reports) {
    for (const ReportOutcome& r : reports) {
        if (!r.definition->lastRowIsTotal || r.table.rows.empty()) continue;
        const auto& total = r.table.rows.back();
        std::string html = "<div class=\"cards\">";
        for (std::size_t i = 0; i < total.size() && i < r.table.columns.size(); ++i) {
            if (!isNumeric(total[i])) continue;
            std::string unit = r.definition->unitOf(r.table.columns[i]);
            html += "<div class=\"card\"><div class=\"value\">" + escapeHtml(displayCell(total[i])) +
                    "</div><div class=\"label\">" + withUnit(r.table.columns[i], unit, false) + "</div></div>";
        }
        return html + "</div>";
    }
    return {};
}

std::string tableHtml(const ReportOutcome& r) {
    const ReportTable& t = r.table;
    if (t.rows.empty()) return "<p class=\"empty\">No rows for this period.</p>";
    // A column is numeric when every value in it is a number or NULL.
    std::vector<bool> numeric(t.columns.size(), true);
    for (const auto& row : t.rows)
        for (std::size_t i = 0; i < row.size() && i < numeric.size(); ++i)
            if (!isNumeric(row[i]) && !std::holds_alternative<std::monostate>(row[i])) numeric[i] = false;
    auto cls = [&](std::size_t i) { return numeric[i] ? std::string(" class=\"num\"") : std::string(); };
    std::string html = "<div class=\"table-wrap\"><table><thead><tr>";
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        std::string unit = r.definition->unitOf(t.columns[i]);
        html += "<th scope=\"col\"" + cls(i) + ">" + withUnit(t.columns[i], unit, true) + "</th>";
    }
    html += "</tr></thead><tbody>";
    bool total = r.definition->lastRowIsTotal;
    for (std::size_t k = 0; k < t.rows.size(); ++k) {
        if (total && k + 1 == t.rows.size()) html += "</tbody><tfoot>";
        html += "<tr>";
        for (std::size_t i = 0; i < t.rows[k].size(); ++i)
            html += "<td" + cls(i) + ">" + escapeHtml(displayCell(t.rows[k][i])) + "</td>";
        html += "</tr>";
    }
    html += total ? "</tfoot>" : "</tbody>";
    return html + "</table></div>";
}

std::string sectionHtml(const ReportOutcome& r, bool withPeriod) {
    const ReportDefinition& d = *r.definition;
    std::string html =
        "<section class=\"report\" id=\"" + escapeHtml(d.name) + "\"><h2>" + escapeHtml(d.title) + "</h2>";
    if (!d.description.empty()) html += "<p class=\"description\">" + escapeHtml(d.description) + "</p>";
    std::string params;
    for (const auto& [name, value] : r.bound.shownParams)
        params +=
            (params.empty() ? "" : " \u00b7 ") + escapeHtml(name) + " = " + escapeHtml(value.empty() ? "none" : value);
    if (withPeriod) params = escapeHtml(periodText(r.bound.period)) + (params.empty() ? "" : " \u00b7 " + params);
    if (!params.empty()) html += "<p class=\"params\">" + params + "</p>";
    std::string chart = renderChartSvg(r);
    if (!chart.empty()) {
        std::size_t drawn = chartMarkCount(r);
        std::size_t rows = r.table.rows.size() - (d.lastRowIsTotal && !r.table.rows.empty() ? 1 : 0);
        html += "<figure>" + chart;
        if (drawn < rows)
            html += "<figcaption class=\"params\">The chart shows the first " + std::to_string(drawn) + " of " +
                    std::to_string(rows) + " rows; the table has them all.</figcaption>";
        html += "</figure>";
    }
    return html + tableHtml(r) + "</section>";
}

} // namespace

std::string escapeHtml(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string renderHtml(std::span<const ReportOutcome> reports, const Provenance& provenance) {
    if (reports.empty()) return {};
    const ReportOutcome& first = reports.front();
    const Period& period = first.bound.period;
    bool single = reports.size() == 1;
    std::string title = single ? first.definition->title : std::string("Video rooms report");
    // Every report of one page shares the period and the room; the freshness is the oldest one read.
    std::optional<std::string> synced = first.table.syncedAt;
    for (const ReportOutcome& r : reports)
        if (!r.table.syncedAt || (synced && *r.table.syncedAt < *synced)) synced = r.table.syncedAt;

    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                       "<meta http-equiv=\"Content-Security-Policy\" content=\"" +
                       std::string(kPolicy) +
                       "\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                       "<meta name=\"generator\" content=\"roomsd " +
                       escapeHtml(provenance.version) + "\"><title>" + escapeHtml(title) + " \u2013 " +
                       escapeHtml(periodText(period)) + "</title><style>" + std::string(kStyle) +
                       "</style></head><body><main><header class=\"page\"><h1>" + escapeHtml(title) +
                       "</h1><p class=\"subtitle\">" + escapeHtml(periodText(period)) + "</p><dl class=\"meta\">";
    auto meta = [&](const std::string& key, const std::string& value) {
        html += "<dt>" + escapeHtml(key) + "</dt><dd>" + escapeHtml(value) + "</dd>";
    };
    meta("Period", shortTime(formatTimestamp(period.start)) + " to " + shortTime(formatTimestamp(period.end)) +
                       " (end excluded)");
    meta("Room", first.bound.room ? *first.bound.room : "all rooms");
    meta("Generated", shortTime(formatTimestamp(period.generatedAt)));
    meta("Mirror synced", synced ? shortTime(*synced) + " (last complete pass of every stream)" : "never");
    if (!provenance.database.empty()) meta("Source", provenance.database);
    html += "</dl>";
    if (!synced)
        html += "<p class=\"warning\">The mirror has never completed a pass of every stream: these figures may be "
                "incomplete.</p>";
    else if (*synced < formatTimestamp(period.reportEnd))
        html += "<p class=\"warning\">The mirror was last synced at " + escapeHtml(shortTime(*synced)) +
                ", before the end of this report (" + escapeHtml(shortTime(formatTimestamp(period.reportEnd))) +
                "): activity after that is not counted.</p>";
    html += "</header>" + cardsHtml(reports);
    if (!single) {
        html += "<nav class=\"toc\"><strong>Contents</strong><ol>";
        for (const ReportOutcome& r : reports)
            html += "<li><a href=\"#" + escapeHtml(r.definition->name) + "\">" + escapeHtml(r.definition->title) +
                    "</a></li>";
        html += "</ol></nav>";
    }
    for (const ReportOutcome& r : reports) html += sectionHtml(r, false);
    html += "<footer>Figures from the roomsd mirror of the Telnyx video rooms account. Participant-minutes run from "
            "joined_at to left_at (or to the report's end for a participant still present), clipped to the period "
            "and split at UTC midnight; a session belongs to the UTC day it was created; deleted records are left "
            "out. roomsd " +
            escapeHtml(provenance.version) + ".</footer></main></body></html>\n";
    return html;
}

} // namespace roomsd::report
