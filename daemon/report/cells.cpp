// Writing report values.
// Thread-safety: pure functions.
#include "report/cells.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "common/time.hpp"

namespace roomsd::report {

std::string groupedNumber(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, std::fabs(value));
    std::string digits(buffer);
    auto dot = digits.find('.');
    std::string whole = digits.substr(0, dot);
    std::string out;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) out += ',';
        out += whole[i];
    }
    if (dot != std::string::npos) out += digits.substr(dot);
    bool negative = value < 0 && std::fabs(value) >= 0.5 * std::pow(10.0, -decimals);
    return negative ? "-" + out : out;
}

std::string plainCell(const store::SqlValue& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&value)) {
        if (!std::isfinite(*d)) return {};
        double rounded = std::round(*d * 1000.0) / 1000.0;
        char buffer[64];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, rounded, std::chars_format::fixed);
        return ec == std::errc() ? std::string(buffer, end) : std::string();
    }
    if (const auto* s = std::get_if<std::string>(&value)) return *s;
    if (const auto* b = std::get_if<store::SqlBlob>(&value)) return "(" + std::to_string(b->bytes.size()) + " bytes)";
    return {};
}

std::string displayCell(const store::SqlValue& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) return groupedNumber(static_cast<double>(*i), 0);
    if (const auto* d = std::get_if<double>(&value)) return std::isfinite(*d) ? groupedNumber(*d, 2) : "\u2013";
    if (const auto* s = std::get_if<std::string>(&value)) {
        // The mirror's own timestamp form, shortened for people.
        if (s->size() == 27 && (*s)[10] == 'T' && s->back() == 'Z' && parseTimestamp(*s))
            return s->substr(0, 10) + " " + s->substr(11, 5) + " UTC";
        return *s;
    }
    if (std::holds_alternative<store::SqlBlob>(value)) return plainCell(value);
    return "\u2013";
}

std::optional<double> numericCell(const store::SqlValue& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&value))
        if (std::isfinite(*d)) return *d;
    return std::nullopt;
}

bool isNumeric(const store::SqlValue& value) {
    return std::holds_alternative<std::int64_t>(value) || std::holds_alternative<double>(value);
}

std::string columnLabel(std::string_view column) {
    std::string out(column);
    for (char& c : out)
        if (c == '_') c = ' ';
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
    return out;
}

} // namespace roomsd::report
