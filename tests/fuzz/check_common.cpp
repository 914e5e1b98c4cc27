// Contract checks of the shared string and time utilities (common/strings.hpp, common/time.hpp).
#include <array>

#include "common/strings.hpp"
#include "common/time.hpp"
#include "fuzz/check_support.hpp"
#include "fuzz/targets.hpp"

namespace roomsd::fuzz {
namespace {

bool isPrintableAscii(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c >= 0x7F) return false;
    return true;
}

int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Undoes quoteForLog's escapes inside the quotes; nullopt when a '"' or '\\' stands unescaped.
std::optional<std::string> unquote(std::string_view inner) {
    std::string out;
    for (std::size_t i = 0; i < inner.size(); ++i) {
        char c = inner[i];
        if (c == '"') return std::nullopt;
        if (c != '\\') {
            out += c;
            continue;
        }
        if (i + 1 >= inner.size()) return std::nullopt;
        char next = inner[++i];
        if (next == '"' || next == '\\') {
            out += next;
        } else if (next == 'x' && i + 2 < inner.size() && hexDigit(inner[i + 1]) >= 0 && hexDigit(inner[i + 2]) >= 0) {
            out += static_cast<char>(hexDigit(inner[i + 1]) * 16 + hexDigit(inner[i + 2]));
            i += 2;
        } else {
            return std::nullopt;
        }
    }
    return out;
}

// `micros` rounded down to a multiple of `step`.
std::int64_t floorTo(std::int64_t micros, std::int64_t step) {
    std::int64_t rest = micros % step;
    return rest < 0 ? micros - rest - step : micros - rest;
}

// Instants whose canonical text the order check compares against.
constexpr std::array<std::string_view, 4> kReferenceTimes{"0001-01-01T00:00:00.000000Z", "1970-01-01T00:00:00.000000Z",
                                                          "2021-04-16T09:46:20.954863Z", "9999-12-31T23:59:59.999999Z"};

} // namespace

Violation checkInteger(std::string_view input) {
    return guarded("parseInteger", [&]() -> Violation {
        auto value = parseInteger(input);
        std::string_view digits = input.starts_with('-') ? input.substr(1) : input;
        bool decimal = !digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos;
        if (value && !decimal) return broken("parseInteger", "accepted something that is not a decimal integer");
        if (value && parseInteger(std::to_string(*value)) != value)
            return broken("parseInteger", "does not read back its own value");
        if (decimal && digits.size() <= 18) {
            long long expected = 0;
            for (char c : digits) expected = expected * 10 + (c - '0');
            if (input.starts_with('-')) expected = -expected;
            if (value != expected) return broken("parseInteger", "misread a small integer");
        }
        return std::nullopt;
    });
}

Violation checkLogQuoting(std::string_view input) {
    return guarded("quoteForLog/printableForLog", [&]() -> Violation {
        for (std::size_t maxLength : {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{200}}) {
            std::string quoted = quoteForLog(input, maxLength);
            std::string printable = printableForLog(input, maxLength);
            // "printable ASCII kept, the rest escaped": nothing else reaches the log line.
            if (!isPrintableAscii(quoted)) return broken("quoteForLog", "wrote a byte that is not printable ASCII");
            if (!isPrintableAscii(printable))
                return broken("printableForLog", "wrote a byte that is not printable ASCII");
            bool cut = input.size() > maxLength;
            std::size_t shown = cut ? maxLength : input.size();
            if (printable.size() > 4 * shown + (cut ? 3 : 0)) return broken("printableForLog", "is not cut to length");
            if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"')
                return broken("quoteForLog", "is not in quotes");
            // Unescaping gives back what was shown, so a hostile text cannot close the quotes early.
            auto inner = unquote(std::string_view(quoted).substr(1, quoted.size() - 2));
            if (inner != std::string(input.substr(0, shown)) + (cut ? "..." : ""))
                return broken("quoteForLog", "does not unescape to the text it shows: " + quoted.substr(0, 120));
        }
        return std::nullopt;
    });
}

Violation checkTimestamp(std::string_view input) {
    return guarded("parseTimestamp/normalizeTimestamp", [&]() -> Violation {
        auto instant = parseTimestamp(input);
        auto normalized = normalizeTimestamp(input);
        if (instant.has_value() != normalized.has_value())
            return broken("normalizeTimestamp", "disagrees with parseTimestamp on what a timestamp is");
        if (!instant) return std::nullopt;
        std::string text = formatTimestamp(*instant);
        if (text.size() != 27 || text[0] == '-')
            return broken("parseTimestamp", "accepted an instant outside the years 0000-9999: " + text);
        if (*normalized != text) return broken("normalizeTimestamp", "is not the canonical text " + text);
        if (parseTimestamp(text) != instant) return broken("formatTimestamp", "does not parse back: " + text);
        for (int digits = 0; digits <= 6; ++digits) {
            std::int64_t step = 1;
            for (int i = digits; i < 6; ++i) step *= 10;
            auto shorter = parseTimestamp(formatTimestamp(*instant, digits));
            if (!shorter || shorter->micros != floorTo(instant->micros, step))
                return broken("formatTimestamp", "with " + std::to_string(digits) + " digits is not the instant cut");
        }
        // Stored texts sort in time order.
        for (std::string_view reference : kReferenceTimes) {
            auto other = parseTimestamp(reference);
            if ((*normalized < reference) != (*instant < *other) || (*normalized == reference) != (*instant == *other))
                return broken("normalizeTimestamp",
                              "text order differs from time order against " + std::string(reference));
        }
        return std::nullopt;
    });
}

Violation checkDate(std::string_view input) {
    return guarded("parseDate", [&]() -> Violation {
        auto date = parseDate(input);
        if (!date) return std::nullopt;
        if (!date->ok()) return broken("parseDate", "accepted an invalid date");
        if (formatDate(*date) != input) return broken("formatDate", "does not give back the strict date it parsed");
        if (parseDate(formatDate(addDays(*date, 1))) != addDays(*date, 1) && date->year() < std::chrono::year{9999})
            return broken("parseDate", "refuses the next day");
        return std::nullopt;
    });
}

} // namespace roomsd::fuzz
