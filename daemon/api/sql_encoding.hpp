// Encoders of POST /sql answers, fed row by row by store::SqlRunner.
//
// JSON: {"columns":["a","b"],"rows":[[1,"x"],[null,2.5]]}: integers as JSON
// integers, reals as numbers (always with a '.' or exponent, so they read back
// as reals; NaN and infinities as null), text as strings, blobs as base64
// strings, NULL as null. CSV (RFC 4180): a header row, CRLF line ends, fields
// quoted when they hold a comma, quote, CR or LF; NULL is an empty field.
// Text that is not valid UTF-8 has each bad byte replaced by U+FFFD.
// Thread-safety: one encoder per answer.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "store/sql_query.hpp"

namespace roomsd::api {

class JsonAnswer : public store::SqlSink {
public:
    void columns(std::span<const std::string> names) override;
    std::size_t row(std::span<const store::SqlValue> values) override;
    // The whole document.
    std::string finish();

private:
    std::string out_;
    bool firstRow_ = true;
};

class CsvAnswer : public store::SqlSink {
public:
    void columns(std::span<const std::string> names) override;
    std::size_t row(std::span<const store::SqlValue> values) override;
    std::string finish() { return std::move(out_); }

private:
    void field(std::string_view text);
    std::string out_;
};

// Appends `s` as a JSON string literal (quotes included).
void appendJsonString(std::string& out, std::string_view s);
// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string validUtf8(std::string_view s);
// Standard base64 with padding.
std::string base64(std::string_view bytes);
// The shortest text that reads back as the same double, with ".0" added to integral values.
std::string formatReal(double value);

} // namespace roomsd::api
