// Encoders of POST /sql answers, fed row by row by store::SqlRunner.
//
// JSON: {"columns":["a","b"],"rows":[[1,"x"],[null,2.5]]}: integers as JSON
// integers, reals as numbers (always with a '.' or exponent, so they read back
// as reals; NaN and infinities as null), text as strings, blobs as base64
// strings, NULL as null. CSV (RFC 4180): a header row, CRLF line ends, fields
// quoted when they hold a comma, quote, CR or LF; NULL is an empty field.
// JSON lines: one object per row (see JsonLinesAnswer).
// Text that is not valid UTF-8 has each bad byte replaced by U+FFFD.
// Thread-safety: one encoder per answer.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

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

// An encoder whose output can be taken piece by piece while rows keep coming (an export).
class StreamEncoder : public store::SqlSink {
public:
    // What was encoded since the last call; row() keeps counting it in the answer's size.
    std::string takeOutput();
    // What is encoded and not yet taken, in bytes.
    std::size_t pending() const { return out_.size(); }

protected:
    std::size_t sizeSoFar() const { return taken_ + out_.size(); }
    std::string out_;

private:
    std::size_t taken_ = 0;
};

class CsvAnswer : public StreamEncoder {
public:
    void columns(std::span<const std::string> names) override;
    std::size_t row(std::span<const store::SqlValue> values) override;
    std::string finish() { return takeOutput(); }

private:
    void field(std::string_view text);
};

// JSON lines (application/x-ndjson): one object per row, {"column":value,...} with the
// values as in JsonAnswer, each followed by "\n"; no header line. A column whose name
// repeats an earlier one's is left out of the objects (as sqlite3's .mode json does).
class JsonLinesAnswer : public StreamEncoder {
public:
    void columns(std::span<const std::string> names) override;
    std::size_t row(std::span<const store::SqlValue> values) override;

private:
    std::vector<std::string> keys_; // each column's "name": prefix, empty for a repeated name
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
