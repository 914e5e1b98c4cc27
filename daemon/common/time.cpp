#include "common/time.hpp"

#include <array>
#include <cstdio>

namespace roomsd {
namespace {

using namespace std::chrono;

// Reads exactly `n` decimal digits at `pos`; false if any is not a digit.
bool readDigits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

std::optional<Date> readDate(std::string_view s) {
    int y = 0, m = 0, d = 0;
    if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    if (!readDigits(s, 0, 4, y) || !readDigits(s, 5, 2, m) || !readDigits(s, 8, 2, d)) return std::nullopt;
    Date date{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt;
    return date;
}

// Everything a timestamp text says, so that normalizeTimestamp can keep its precision.
struct ParsedTimestamp {
    Timestamp instant;
    int fractionDigits = 0; // as written (may exceed 6)
    bool utc = false;       // written with 'Z'
};

std::optional<ParsedTimestamp> parseParts(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SS[.f+](Z|+hh:mm|-hh:mm)
    auto date = readDate(s);
    if (!date || s.size() < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return std::nullopt;
    int hh = 0, mm = 0, ss = 0;
    if (!readDigits(s, 11, 2, hh) || !readDigits(s, 14, 2, mm) || !readDigits(s, 17, 2, ss)) return std::nullopt;
    if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
    std::size_t pos = 19;
    std::int64_t micros = 0;
    int digits = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (digits < 6) micros = micros * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0 || digits > 9) return std::nullopt;
        for (int i = digits; i < 6; ++i) micros *= 10;
    }
    std::int64_t offsetSeconds = 0;
    bool utc = false;
    if (pos < s.size() && s[pos] == 'Z') {
        utc = true;
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int oh = 0, om = 0;
        int sign = s[pos] == '-' ? -1 : 1;
        if (!readDigits(s, pos + 1, 2, oh)) return std::nullopt;
        std::size_t minutesAt = pos + 3;
        if (minutesAt < s.size() && s[minutesAt] == ':') ++minutesAt;
        if (!readDigits(s, minutesAt, 2, om) || oh > 23 || om > 59) return std::nullopt;
        offsetSeconds = sign * (oh * 3600 + om * 60);
        pos = minutesAt + 2;
    } else {
        return std::nullopt; // a timestamp without a zone is ambiguous
    }
    if (pos != s.size()) return std::nullopt;
    std::int64_t days = sys_days{*date}.time_since_epoch().count();
    std::int64_t seconds = days * 86400 + hh * 3600 + mm * 60 + ss - offsetSeconds;
    // An offset can carry 0000-01-01 or 9999-12-31 out of the four-digit years, where
    // the UTC text would neither parse back nor sort with the others.
    static const std::int64_t kFirstDay = sys_days{year{0} / 1 / 1}.time_since_epoch().count();
    static const std::int64_t kLastDay = sys_days{year{9999} / 12 / 31}.time_since_epoch().count();
    if (seconds < kFirstDay * 86400 || seconds >= (kLastDay + 1) * 86400) return std::nullopt;
    return ParsedTimestamp{Timestamp{seconds * kMicrosPerSecond + micros}, digits, utc};
}

// Floor division, so that instants before 1970 land on the right day.
std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

} // namespace

std::optional<Timestamp> parseTimestamp(std::string_view text) {
    auto parts = parseParts(text);
    if (!parts) return std::nullopt;
    return parts->instant;
}

std::string formatTimestamp(Timestamp t, int fractionDigits) {
    if (fractionDigits < 0) fractionDigits = 0;
    if (fractionDigits > 6) fractionDigits = 6;
    std::int64_t seconds = floorDiv(t.micros, kMicrosPerSecond);
    std::int64_t micros = t.micros - seconds * kMicrosPerSecond;
    std::int64_t days = floorDiv(seconds, 86400);
    std::int64_t secOfDay = seconds - days * 86400;
    Date date{sys_days{std::chrono::days{days}}};
    std::array<char, 64> buf{};
    int n = std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                          static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                          static_cast<int>(secOfDay / 3600), static_cast<int>(secOfDay / 60 % 60),
                          static_cast<int>(secOfDay % 60));
    std::string out(buf.data(), static_cast<std::size_t>(n));
    if (fractionDigits > 0) {
        std::snprintf(buf.data(), buf.size(), "%06lld", static_cast<long long>(micros));
        out += '.';
        out.append(buf.data(), static_cast<std::size_t>(fractionDigits));
    }
    out += 'Z';
    return out;
}

std::optional<std::string> normalizeTimestamp(std::string_view text) {
    auto parts = parseParts(text);
    if (!parts) return std::nullopt;
    if (parts->utc && parts->fractionDigits == 6) return std::string(text);
    return formatTimestamp(parts->instant, 6);
}

std::optional<Date> parseDate(std::string_view text) {
    if (text.size() != 10) return std::nullopt;
    return readDate(text);
}

std::string formatDate(Date date) {
    std::array<char, 32> buf{};
    int n = std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02u", static_cast<int>(date.year()),
                          static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    return std::string(buf.data(), static_cast<std::size_t>(n));
}

Date dateOf(Timestamp t) {
    std::int64_t days = floorDiv(floorDiv(t.micros, kMicrosPerSecond), 86400);
    return Date{sys_days{std::chrono::days{days}}};
}

Date addDays(Date date, int days) { return Date{sys_days{date} + std::chrono::days{days}}; }

Timestamp startOf(Date date) { return Timestamp{sys_days{date}.time_since_epoch().count() * 86400 * kMicrosPerSecond}; }

Timestamp nowUtc() {
    auto now = time_point_cast<microseconds>(system_clock::now());
    return Timestamp{now.time_since_epoch().count()};
}

} // namespace roomsd
