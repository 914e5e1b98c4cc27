// UTC timestamps and calendar dates, as the Telnyx API writes them.
//
// Timestamps are ISO 8601 date-times ("2021-04-16T09:46:20.954863Z"); the API's
// date filters take calendar dates ("2021-04-16"). All arithmetic is in UTC.
// Thread-safety: pure functions over values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roomsd {

// A point in time, in microseconds since the Unix epoch, UTC.
struct Timestamp {
    std::int64_t micros = 0;
    friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

using Date = std::chrono::year_month_day;

// Parses an ISO 8601 date-time with a 'Z' or a +hh:mm / -hh:mm offset and up to
// nine fraction digits (kept to the microsecond); nullopt if it is not one, or if
// its UTC instant lies outside the years 0000-9999.
std::optional<Timestamp> parseTimestamp(std::string_view text);

// Formats as "YYYY-MM-DDTHH:MM:SS.ffffffZ" with `fractionDigits` digits (0..6).
std::string formatTimestamp(Timestamp t, int fractionDigits = 6);

// The UTC text to store for an upstream timestamp: the text itself when it is
// in the API's own form ("2021-04-16T09:46:20.954863Z": UTC, six fraction
// digits), else the same instant re-written in that form, so that the stored
// texts sort in time order; nullopt when it is not a timestamp at all.
std::optional<std::string> normalizeTimestamp(std::string_view text);

// Parses a strict "YYYY-MM-DD" calendar date; nullopt if malformed or invalid.
std::optional<Date> parseDate(std::string_view text);

// Formats as "YYYY-MM-DD".
std::string formatDate(Date date);

// The UTC calendar date of a timestamp.
Date dateOf(Timestamp t);

// The date `days` days after (negative: before) `date`.
Date addDays(Date date, int days);

// Midnight UTC at the start of `date`.
Timestamp startOf(Date date);

// The current wall-clock time.
Timestamp nowUtc();

// Seconds as a Timestamp offset, for arithmetic on Timestamp::micros.
constexpr std::int64_t kMicrosPerSecond = 1'000'000;

} // namespace roomsd
