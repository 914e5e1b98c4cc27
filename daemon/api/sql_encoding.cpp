// JSON and CSV encoding of SQL answers.
// Thread-safety: see sql_encoding.hpp.
#include "api/sql_encoding.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "common/utf8.hpp"

namespace roomsd::api {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Appends the character whose UTF-8 starts at s[i], or U+FFFD for a byte that starts
// none; returns how many bytes of `s` it took.
std::size_t appendRepaired(std::string& out, std::string_view s, std::size_t i) {
    std::size_t length = decodeUtf8(s, i).length;
    if (length == 0) {
        out += kReplacement;
        return 1;
    }
    out.append(s.substr(i, length));
    return length;
}

void appendValueJson(std::string& out, const store::SqlValue& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) {
        out += std::to_string(*i);
    } else if (const auto* d = std::get_if<double>(&value)) {
        out += std::isfinite(*d) ? formatReal(*d) : "null";
    } else if (const auto* s = std::get_if<std::string>(&value)) {
        appendJsonString(out, *s);
    } else if (const auto* b = std::get_if<store::SqlBlob>(&value)) {
        out += '"' + base64(b->bytes) + '"';
    } else {
        out += "null";
    }
}

} // namespace

std::string validUtf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) i += appendRepaired(out, s, i);
    return out;
}

void appendJsonString(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            i += appendRepaired(out, s, i);
            continue;
        }
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xF];
            } else {
                out += static_cast<char>(c);
            }
        }
        ++i;
    }
    out += '"';
}

std::string base64(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto at = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
    for (; i + 3 <= bytes.size(); i += 3) {
        std::uint32_t v = at(i) << 16 | at(i + 1) << 8 | at(i + 2);
        for (int shift : {18, 12, 6, 0}) out += kAlphabet[(v >> shift) & 0x3F];
    }
    std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        std::uint32_t v = at(i) << 16;
        out += kAlphabet[(v >> 18) & 0x3F];
        out += kAlphabet[(v >> 12) & 0x3F];
        out += "==";
    } else if (rest == 2) {
        std::uint32_t v = at(i) << 16 | at(i + 1) << 8;
        out += kAlphabet[(v >> 18) & 0x3F];
        out += kAlphabet[(v >> 12) & 0x3F];
        out += kAlphabet[(v >> 6) & 0x3F];
        out += '=';
    }
    return out;
}

std::string formatReal(double value) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec != std::errc()) return "null";
    std::string out(buffer, end);
    if (out.find_first_of(".eEn") == std::string::npos) out += ".0";
    return out;
}

void JsonAnswer::columns(std::span<const std::string> names) {
    out_ = "{\"columns\":[";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out_ += ',';
        appendJsonString(out_, names[i]);
    }
    out_ += "],\"rows\":[";
}

std::size_t JsonAnswer::row(std::span<const store::SqlValue> values) {
    if (!firstRow_) out_ += ',';
    firstRow_ = false;
    out_ += '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out_ += ',';
        appendValueJson(out_, values[i]);
    }
    out_ += ']';
    return out_.size() + 2; // and the closing "]}"
}

std::string JsonAnswer::finish() {
    if (out_.empty()) columns({});
    out_ += "]}";
    return std::move(out_);
}

std::string StreamEncoder::takeOutput() {
    taken_ += out_.size();
    std::string out;
    out.swap(out_);
    return out;
}

void CsvAnswer::field(std::string_view text) {
    std::string valid = validUtf8(text);
    if (valid.find_first_of(",\"\r\n") == std::string::npos) {
        out_ += valid;
        return;
    }
    out_ += '"';
    for (char c : valid) {
        if (c == '"') out_ += '"';
        out_ += c;
    }
    out_ += '"';
}

void CsvAnswer::columns(std::span<const std::string> names) {
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) out_ += ',';
        field(names[i]);
    }
    out_ += "\r\n";
}

std::size_t CsvAnswer::row(std::span<const store::SqlValue> values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out_ += ',';
        const store::SqlValue& value = values[i];
        if (const auto* n = std::get_if<std::int64_t>(&value))
            out_ += std::to_string(*n);
        else if (const auto* d = std::get_if<double>(&value))
            out_ += std::isfinite(*d) ? formatReal(*d) : "";
        else if (const auto* s = std::get_if<std::string>(&value))
            field(*s);
        else if (const auto* b = std::get_if<store::SqlBlob>(&value))
            out_ += base64(b->bytes);
        // NULL: an empty field
    }
    out_ += "\r\n";
    return sizeSoFar();
}

void JsonLinesAnswer::columns(std::span<const std::string> names) {
    keys_.clear();
    for (std::size_t i = 0; i < names.size(); ++i) {
        bool repeated = std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) !=
                        names.begin() + static_cast<std::ptrdiff_t>(i);
        std::string key;
        if (!repeated) {
            appendJsonString(key, names[i]);
            key += ':';
        }
        keys_.push_back(std::move(key));
    }
}

std::size_t JsonLinesAnswer::row(std::span<const store::SqlValue> values) {
    out_ += '{';
    bool first = true;
    for (std::size_t i = 0; i < values.size() && i < keys_.size(); ++i) {
        if (keys_[i].empty()) continue;
        if (!first) out_ += ',';
        first = false;
        out_ += keys_[i];
        appendValueJson(out_, values[i]);
    }
    out_ += "}\n";
    return sizeSoFar();
}

} // namespace roomsd::api
