// A report's chart as inline SVG: vertical bars (a series over days or buckets) or
// horizontal bars (a ranking of rooms). Every bar is a <rect class="mark">, with a
// <title> that gives its exact value; the total row, when there is one, is not drawn.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "report/runner.hpp"

namespace roomsd::report {

// The most bars a chart draws; the table below it always has every row.
constexpr std::size_t kMaxVerticalBars = 400;
constexpr std::size_t kMaxHorizontalBars = 20;

// The <svg> element, or "" when the report has no chart. Labels and titles are escaped.
std::string renderChartSvg(const ReportOutcome& report);

// The number of bars renderChartSvg() draws for `report`.
std::size_t chartMarkCount(const ReportOutcome& report);

} // namespace roomsd::report
