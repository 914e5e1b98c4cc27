// Drawing bar charts in SVG: axis ticks at round numbers, labels thinned to fit.
// Thread-safety: pure functions.
#include "report/chart_svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "report/cells.hpp"
#include "report/render.hpp"

namespace roomsd::report {
namespace {

struct Bar {
    std::string label;
    double value = 0;
    std::string shown; // the value as the table shows it
};

int columnIndex(const ReportTable& table, const std::string& name) {
    auto it = std::find(table.columns.begin(), table.columns.end(), name);
    return it == table.columns.end() ? -1 : static_cast<int>(it - table.columns.begin());
}

std::vector<Bar> barsOf(const ReportOutcome& r, std::size_t cap) {
    std::vector<Bar> bars;
    int label = columnIndex(r.table, r.definition->chart.labelColumn);
    int value = columnIndex(r.table, r.definition->chart.valueColumn);
    if (label < 0 || value < 0) return bars;
    std::size_t rows = r.table.rows.size() - (r.definition->lastRowIsTotal && !r.table.rows.empty() ? 1 : 0);
    for (std::size_t k = 0; k < rows && bars.size() < cap; ++k) {
        const auto& row = r.table.rows[k];
        const auto& v = row[static_cast<std::size_t>(value)];
        std::string text = plainCell(row[static_cast<std::size_t>(label)]);
        bars.push_back({text.empty() ? "(none)" : text, std::max(0.0, numericCell(v).value_or(0.0)), displayCell(v)});
    }
    return bars;
}

std::string num(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f", v);
    return buffer;
}

// A round step for about `ticks` intervals up to `max`: 1, 2 or 5 times a power of ten.
double niceStep(double max, int ticks) {
    if (max <= 0) return 1;
    double raw = max / ticks;
    double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * power >= raw) return m * power;
    return 10 * power;
}

std::string tickLabel(double v) { return groupedNumber(v, std::fabs(v - std::round(v)) < 1e-9 ? 0 : 1); }

std::string truncated(const std::string& s, std::size_t max) {
    // Counts UTF-8 characters, never cutting one in half.
    std::size_t chars = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (chars == max) return s.substr(0, i) + "\u2026";
            ++chars;
        }
    }
    return s;
}

// "2026-05-03" -> "05-03" when every label is a date, so a month of days fits.
std::vector<std::string> axisLabels(const std::vector<Bar>& bars) {
    bool dates = std::all_of(bars.begin(), bars.end(), [](const Bar& b) { return parseDate(b.label).has_value(); });
    std::vector<std::string> out;
    for (const Bar& b : bars) out.push_back(dates ? b.label.substr(5) : truncated(b.label, 14));
    return out;
}

std::string markTitle(const Bar& bar, const std::string& unit) {
    return "<title>" + escapeHtml(bar.label) + ": " + escapeHtml(bar.shown) +
           (unit.empty() ? "" : " " + escapeHtml(unit)) + "</title>";
}

std::string verticalBars(const std::vector<Bar>& bars, const std::string& unit, const std::string& aria) {
    const double width = 720, height = 260, left = 64, right = 12, top = 14, bottom = 52;
    double plotW = width - left - right, plotH = height - top - bottom;
    double max = 0;
    for (const Bar& b : bars) max = std::max(max, b.value);
    double step = niceStep(max, 4);
    double axisMax = std::max(step, std::ceil(max / step) * step);
    std::string svg = "<svg class=\"chart\" viewBox=\"0 0 720 260\" role=\"img\" aria-label=\"" + escapeHtml(aria) +
                      "\" xmlns=\"http://www.w3.org/2000/svg\">";
    for (double t = 0; t <= axisMax + step / 2; t += step) {
        double y = top + plotH - t / axisMax * plotH;
        svg += "<line class=\"grid\" x1=\"" + num(left) + "\" x2=\"" + num(width - right) + "\" y1=\"" + num(y) +
               "\" y2=\"" + num(y) + "\"/><text class=\"tick\" x=\"" + num(left - 6) + "\" y=\"" + num(y + 4) +
               "\" text-anchor=\"end\">" + tickLabel(t) + "</text>";
    }
    double slot = plotW / static_cast<double>(std::max<std::size_t>(1, bars.size()));
    double barW = std::max(1.0, slot * 0.72);
    std::size_t every = std::max<std::size_t>(1, (bars.size() + 15) / 16);
    std::vector<std::string> labels = axisLabels(bars);
    for (std::size_t i = 0; i < bars.size(); ++i) {
        double h = bars[i].value / axisMax * plotH;
        double x = left + slot * static_cast<double>(i) + (slot - barW) / 2;
        svg += "<rect class=\"mark\" x=\"" + num(x) + "\" y=\"" + num(top + plotH - h) + "\" width=\"" + num(barW) +
               "\" height=\"" + num(h) + "\">" + markTitle(bars[i], unit) + "</rect>";
        if (i % every == 0)
            svg += "<text class=\"label\" x=\"" + num(x + barW / 2) + "\" y=\"" + num(top + plotH + 16) +
                   "\" text-anchor=\"middle\">" + escapeHtml(labels[i]) + "</text>";
    }
    svg += "<line class=\"axis\" x1=\"" + num(left) + "\" x2=\"" + num(width - right) + "\" y1=\"" + num(top + plotH) +
           "\" y2=\"" + num(top + plotH) + "\"/>";
    if (!unit.empty())
        svg += "<text class=\"unit\" x=\"" + num(left) + "\" y=\"" + num(height - 8) + "\">" + escapeHtml(unit) +
               "</text>";
    return svg + "</svg>";
}

std::string horizontalBars(const std::vector<Bar>& bars, const std::string& unit, const std::string& aria) {
    const double width = 720, left = 190, right = 90, rowH = 24, top = 6;
    double height = top * 2 + rowH * static_cast<double>(bars.size());
    double max = 0;
    for (const Bar& b : bars) max = std::max(max, b.value);
    double plotW = width - left - right;
    std::string svg = "<svg class=\"chart\" viewBox=\"0 0 720 " + num(height) + "\" role=\"img\" aria-label=\"" +
                      escapeHtml(aria) + "\" xmlns=\"http://www.w3.org/2000/svg\">";
    for (std::size_t i = 0; i < bars.size(); ++i) {
        double y = top + rowH * static_cast<double>(i);
        double w = max > 0 ? bars[i].value / max * plotW : 0;
        svg += "<text class=\"label\" x=\"" + num(left - 8) + "\" y=\"" + num(y + rowH * 0.66) +
               "\" text-anchor=\"end\">" + escapeHtml(truncated(bars[i].label, 26)) + "</text>";
        svg += "<rect class=\"mark\" x=\"" + num(left) + "\" y=\"" + num(y + 4) + "\" width=\"" + num(w) +
               "\" height=\"" + num(rowH - 8) + "\">" + markTitle(bars[i], unit) + "</rect>";
        svg += "<text class=\"value\" x=\"" + num(left + w + 6) + "\" y=\"" + num(y + rowH * 0.66) + "\">" +
               escapeHtml(bars[i].shown) + "</text>";
    }
    return svg + "</svg>";
}

} // namespace

std::size_t chartMarkCount(const ReportOutcome& report) {
    switch (report.definition->chart.kind) {
    case ChartKind::None: return 0;
    case ChartKind::Bar: return barsOf(report, kMaxVerticalBars).size();
    case ChartKind::HorizontalBar: return barsOf(report, kMaxHorizontalBars).size();
    }
    return 0;
}

std::string renderChartSvg(const ReportOutcome& report) {
    const ChartSpec& chart = report.definition->chart;
    if (chart.kind == ChartKind::None) return {};
    std::string unit = report.definition->unitOf(chart.valueColumn);
    std::string aria =
        report.definition->title + ": " + columnLabel(chart.valueColumn) + " by " + columnLabel(chart.labelColumn);
    if (chart.kind == ChartKind::Bar) return verticalBars(barsOf(report, kMaxVerticalBars), unit, aria);
    return horizontalBars(barsOf(report, kMaxHorizontalBars), unit, aria);
}

} // namespace roomsd::report
