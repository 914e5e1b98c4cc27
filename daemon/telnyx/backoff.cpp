#include "telnyx/backoff.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "common/strings.hpp"

namespace roomsd::telnyx {

using std::chrono::milliseconds;
using std::chrono::system_clock;

namespace {

// Anything longer than this is "forever" for a daemon; saturating here keeps the
// arithmetic below far from overflow whatever digits a server sends.
constexpr std::int64_t kMaxSeconds = 100LL * 365 * 24 * 3600;

bool allDigits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A run of digits as a number, saturating at kMaxSeconds.
std::int64_t saturatingDigits(std::string_view digits) {
    std::int64_t n = 0;
    for (char c : digits) {
        n = n * 10 + (c - '0');
        if (n > kMaxSeconds) return kMaxSeconds;
    }
    return n;
}

// "123" or "123.456" (no sign, no exponent) as milliseconds; nullopt otherwise.
std::optional<std::int64_t> decimalSecondsToMillis(std::string_view text) {
    std::string_view whole = text, fraction;
    if (auto dot = text.find('.'); dot != std::string_view::npos) {
        whole = text.substr(0, dot);
        fraction = text.substr(dot + 1);
        if (!allDigits(fraction)) return std::nullopt;
    }
    if (!allDigits(whole)) return std::nullopt;
    std::int64_t millis = saturatingDigits(whole) * 1000;
    // Round the fraction up to the millisecond: waiting a little long is harmless, too short is not.
    std::int64_t fractionMillis = 0;
    for (std::size_t i = 0; i < fraction.size(); ++i) {
        if (i < 3) {
            fractionMillis = fractionMillis * 10 + (fraction[i] - '0');
        } else if (fraction[i] != '0') {
            fractionMillis += 1;
            break;
        }
    }
    for (std::size_t i = fraction.size(); i < 3; ++i) fractionMillis *= 10;
    return millis + fractionMillis;
}

milliseconds untilEpochMillis(std::int64_t epochMillis, system_clock::time_point now) {
    auto nowMillis = std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
    return milliseconds(std::max<std::int64_t>(0, epochMillis - nowMillis));
}

constexpr std::array<std::string_view, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kShortDays{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays{"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                    "Friday", "Saturday", "Sunday"};

template <std::size_t N>
bool isOneOf(std::string_view token, const std::array<std::string_view, N>& names) {
    return std::find(names.begin(), names.end(), token) != names.end();
}

std::optional<unsigned> monthNumber(std::string_view token) {
    auto it = std::find(kMonths.begin(), kMonths.end(), token);
    if (it == kMonths.end()) return std::nullopt;
    return static_cast<unsigned>(it - kMonths.begin()) + 1;
}

// "HH:MM:SS" as seconds since midnight.
std::optional<std::int64_t> timeOfDay(std::string_view token) {
    if (token.size() != 8 || token[2] != ':' || token[5] != ':') return std::nullopt;
    auto h = token.substr(0, 2), m = token.substr(3, 2), s = token.substr(6, 2);
    if (!allDigits(h) || !allDigits(m) || !allDigits(s)) return std::nullopt;
    std::int64_t hours = saturatingDigits(h), minutes = saturatingDigits(m), seconds = saturatingDigits(s);
    if (hours > 23 || minutes > 59 || seconds > 60) return std::nullopt;
    return hours * 3600 + minutes * 60 + seconds;
}

std::vector<std::string_view> dateTokens(std::string_view text) {
    std::vector<std::string_view> tokens;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '-')) ++i;
        std::size_t start = i;
        while (i < text.size() && text[i] != ' ' && text[i] != ',' && text[i] != '-') ++i;
        if (i > start) tokens.push_back(text.substr(start, i - start));
    }
    return tokens;
}

// An HTTP-date (RFC 9110 section 5.6.7) as Unix epoch seconds.
std::optional<std::int64_t> parseHttpDate(std::string_view text) {
    std::vector<std::string_view> t = dateTokens(text);
    std::string_view day, month, year, time;
    if (t.size() == 6 && t[5] == "GMT") {
        // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" or RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT".
        if (!isOneOf(t[0], kShortDays) && !isOneOf(t[0], kLongDays)) return std::nullopt;
        day = t[1], month = t[2], year = t[3], time = t[4];
    } else if (t.size() == 5) {
        // asctime "Sun Nov  6 08:49:37 1994".
        if (!isOneOf(t[0], kShortDays)) return std::nullopt;
        month = t[1], day = t[2], time = t[3], year = t[4];
    } else {
        return std::nullopt;
    }
    auto monthNo = monthNumber(month);
    auto seconds = timeOfDay(time);
    if (!monthNo || !seconds || !allDigits(day) || day.size() > 2 || !allDigits(year)) return std::nullopt;
    int yearNo = static_cast<int>(saturatingDigits(year));
    if (year.size() == 2) {
        yearNo += yearNo < 70 ? 2000 : 1900; // RFC 850's two-digit years
    } else if (year.size() != 4) {
        return std::nullopt;
    }
    std::chrono::year_month_day date{std::chrono::year(yearNo), std::chrono::month(*monthNo),
                                     std::chrono::day(static_cast<unsigned>(saturatingDigits(day)))};
    if (!date.ok()) return std::nullopt;
    std::int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
    return days * 86400 + *seconds;
}

} // namespace

milliseconds backoffCeiling(int retryIndex, milliseconds base, milliseconds cap) {
    if (retryIndex < 0 || base.count() <= 0 || cap.count() <= 0) return milliseconds(0);
    std::int64_t ceiling = base.count();
    for (int i = 0; i < retryIndex && ceiling < cap.count(); ++i) ceiling *= 2;
    return milliseconds(std::min(ceiling, static_cast<std::int64_t>(cap.count())));
}

milliseconds jitteredBackoff(int retryIndex, milliseconds base, milliseconds cap, std::mt19937_64& random) {
    std::uniform_int_distribution<std::int64_t> uniform(0, backoffCeiling(retryIndex, base, cap).count());
    return milliseconds(uniform(random));
}

std::optional<milliseconds> parseRetryAfter(std::string_view value, system_clock::time_point now) {
    value = trim(value);
    if (allDigits(value)) return milliseconds(saturatingDigits(value) * 1000);
    auto epochSeconds = parseHttpDate(value);
    if (!epochSeconds) return std::nullopt;
    return untilEpochMillis(*epochSeconds * 1000, now);
}

std::optional<milliseconds> parseRateLimitReset(std::string_view value, system_clock::time_point now) {
    auto millis = decimalSecondsToMillis(trim(value));
    if (!millis) return std::nullopt;
    if (*millis > kEpochResetThreshold * 1000) return untilEpochMillis(*millis, now);
    return milliseconds(*millis);
}

milliseconds retryWait(milliseconds jittered, std::optional<milliseconds> serverWait, milliseconds maxServerWait) {
    if (!serverWait) return jittered;
    return std::max(jittered, std::min(*serverWait, maxServerWait));
}

} // namespace roomsd::telnyx
