// How one report value is written for each output: plain text for tables and CSV,
// grouped digits and short timestamps for the HTML page, numbers for charts.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/sql_query.hpp"

namespace roomsd::report {

// For the terminal table and CSV: integers as is, reals with up to 3 decimals, NULL empty.
std::string plainCell(const store::SqlValue& value);

// For the HTML page (not yet escaped): 1,234 and 1,234.57; a stored UTC timestamp as
// "2026-05-03 14:22 UTC"; NULL as an en dash.
std::string displayCell(const store::SqlValue& value);

// The value as a number for a chart: integers and reals; NULL, text and blobs are nullopt.
std::optional<double> numericCell(const store::SqlValue& value);

// True for INTEGER and REAL values (right-aligned in tables).
bool isNumeric(const store::SqlValue& value);

// "participant_minutes" -> "Participant minutes".
std::string columnLabel(std::string_view column);

// A number with thousands separators and `decimals` decimals: 1234.5 -> "1,234.50".
std::string groupedNumber(double value, int decimals);

} // namespace roomsd::report
