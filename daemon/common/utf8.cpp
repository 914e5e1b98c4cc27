// The UTF-8 decoder. Thread-safety: pure functions.
#include "common/utf8.hpp"

namespace roomsd {

Utf8CodePoint decodeUtf8(std::string_view s, std::size_t pos) {
    if (pos >= s.size()) return {};
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[pos + i]); };
    unsigned char lead = byte(0);
    if (lead < 0x80) return {lead, 1};
    // The lead byte gives the length and its payload bits; it also narrows the range of the
    // second byte, which is what rules out overlong forms, surrogates and values past U+10FFFF.
    std::size_t length = 0;
    char32_t value = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2, value = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3, value = lead & 0x0F;
        if (lead == 0xE0) low = 0xA0;  // below: overlong
        if (lead == 0xED) high = 0x9F; // above: surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4, value = lead & 0x07;
        if (lead == 0xF0) low = 0x90;  // below: overlong
        if (lead == 0xF4) high = 0x8F; // above: past U+10FFFF
    } else {
        return {}; // a continuation byte, or a lead that can only start an invalid sequence
    }
    if (s.size() - pos < length) return {};
    for (std::size_t i = 1; i < length; ++i) {
        unsigned char next = byte(i);
        if (next < low || next > high) return {};
        value = (value << 6) | (next & 0x3F);
        low = 0x80, high = 0xBF;
    }
    return {value, length};
}

} // namespace roomsd
