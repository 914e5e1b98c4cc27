// The table of fuzz targets, the libFuzzer entry helper and the checks' shared predicates.
#include "fuzz/targets.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "common/strings.hpp"
#include "fuzz/check_support.hpp"

namespace roomsd::fuzz {

bool isControlByte(unsigned char c) { return c < 0x20 || c == 0x7F; }

bool hasControlByte(std::string_view s, std::string_view allowed) {
    for (unsigned char c : s)
        if (isControlByte(c) && allowed.find(static_cast<char>(c)) == std::string_view::npos) return true;
    return false;
}

std::optional<std::u32string> decodeUtf8(std::string_view s) {
    static constexpr std::array<char32_t, 5> kMinimum{0, 0, 0x80, 0x800, 0x10000};
    std::u32string out;
    for (std::size_t i = 0; i < s.size();) {
        auto lead = static_cast<unsigned char>(s[i]);
        std::size_t length = 0;
        char32_t cp = 0;
        if (lead < 0x80) {
            length = 1, cp = lead;
        } else if ((lead & 0xE0) == 0xC0) {
            length = 2, cp = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3, cp = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4, cp = lead & 0x07;
        } else {
            return std::nullopt;
        }
        if (i + length > s.size()) return std::nullopt;
        for (std::size_t k = 1; k < length; ++k) {
            auto next = static_cast<unsigned char>(s[i + k]);
            if ((next & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (next & 0x3F);
        }
        if (cp < kMinimum[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        out += cp;
        i += length;
    }
    return out;
}

bool isValidUtf8(std::string_view s) { return decodeUtf8(s).has_value(); }

std::string excerpt(std::string_view s) { return quoteForLog(s, 120); }

std::pair<std::uint8_t, std::string_view> splitSelector(std::string_view input) {
    if (input.empty()) return {0, input};
    return {static_cast<std::uint8_t>(input[0]), input.substr(1)};
}

Violation broken(std::string_view what, std::string_view detail) {
    return std::string(what) + ": " + std::string(detail);
}

std::span<const FuzzTarget> allTargets() {
    static constexpr std::array kTargets{
        FuzzTarget{"list_page", true, checkListPage},
        FuzzTarget{"record_body", true, checkRecordBody},
        FuzzTarget{"error_body", false, checkErrorBody},
        FuzzTarget{"server_wait", false, checkServerWait},
        FuzzTarget{"telnyx_query", true, checkTelnyxQuery},
        FuzzTarget{"sql_request", true, checkSqlRequest},
        FuzzTarget{"sql_accept", false, checkSqlAccept},
        FuzzTarget{"query_string", false, checkQueryString},
        FuzzTarget{"percent_coding", false, checkPercentCoding},
        FuzzTarget{"integer", false, checkInteger},
        FuzzTarget{"log_quoting", false, checkLogQuoting},
        FuzzTarget{"timestamp", false, checkTimestamp},
        FuzzTarget{"date", false, checkDate},
        FuzzTarget{"config", false, checkConfig},
        FuzzTarget{"ctl_render", true, checkCtlRender},
    };
    return kTargets;
}

const FuzzTarget& targetNamed(std::string_view name) {
    for (const FuzzTarget& target : allTargets())
        if (target.name == name) return target;
    throw std::out_of_range("no fuzz target named " + std::string(name));
}

int runHarness(Violation (*check)(std::string_view input), const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    if (Violation violation = check(input)) {
        std::fprintf(stderr, "contract violated: %s\n", violation->c_str());
        std::abort();
    }
    return 0;
}

} // namespace roomsd::fuzz
