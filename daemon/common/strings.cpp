#include "common/strings.hpp"

#include <charconv>
#include <cstdio>

namespace roomsd {

std::string_view trim(std::string_view s) {
    auto isSpace = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
    while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
    while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        std::size_t at = s.find(sep, start);
        if (at == std::string_view::npos) {
            parts.push_back(s.substr(start));
            return parts;
        }
        parts.push_back(s.substr(start, at - start));
        start = at + 1;
    }
}

std::optional<long long> parseInteger(std::string_view s) {
    if (s.empty()) return std::nullopt;
    long long value = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return value;
}

namespace {

std::string escapeForLog(std::string_view s, std::size_t maxLength, bool escapeQuotes) {
    std::string out;
    std::size_t shown = 0;
    for (unsigned char c : s) {
        if (shown == maxLength) {
            out += "...";
            break;
        }
        if (escapeQuotes && (c == '"' || c == '\\')) {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7F) {
            out += static_cast<char>(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", c);
            out += buf;
        }
        ++shown;
    }
    return out;
}

} // namespace

std::string quoteForLog(std::string_view s, std::size_t maxLength) {
    return '"' + escapeForLog(s, maxLength, true) + '"';
}

std::string printableForLog(std::string_view s, std::size_t maxLength) { return escapeForLog(s, maxLength, false); }

} // namespace roomsd
