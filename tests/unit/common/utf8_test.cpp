// The UTF-8 decoder against every code point, and every overlong, surrogate and
// out-of-range form, each written by the test's own encoder.
#include <catch2/catch.hpp>

#include <string>

#include "common/utf8.hpp"

using namespace roomsd;

namespace {

// `cp` written in `length` bytes (1 to 4) by the UTF-8 bit layout, whether or not that
// length is the shortest one: longer gives the overlong forms.
std::string encodeIn(char32_t cp, std::size_t length) {
    static constexpr unsigned char kLeadMark[] = {0, 0, 0xC0, 0xE0, 0xF0};
    std::string out(length, '\0');
    for (std::size_t i = length - 1; i > 0; --i) {
        out[i] = static_cast<char>(0x80 | (cp & 0x3F));
        cp >>= 6;
    }
    out[0] = static_cast<char>(kLeadMark[length] | cp);
    return out;
}

std::size_t shortestLength(char32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

bool isSurrogate(char32_t cp) { return cp >= 0xD800 && cp <= 0xDFFF; }

} // namespace

TEST_CASE("every code point decodes from its shortest form, and no cut-short form decodes") {
    std::size_t wrong = 0;
    char32_t firstWrong = 0;
    for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        if (isSurrogate(cp)) continue;
        std::string bytes = encodeIn(cp, shortestLength(cp));
        Utf8CodePoint decoded = decodeUtf8(bytes, 0);
        bool ok = decoded.value == cp && decoded.length == bytes.size();
        for (std::size_t cut = 1; cut < bytes.size() && ok; ++cut) ok = decodeUtf8(bytes.substr(0, cut), 0).length == 0;
        if (!ok && wrong++ == 0) firstWrong = cp;
    }
    INFO("first wrong code point: " << static_cast<unsigned>(firstWrong));
    CHECK(wrong == 0);
}

TEST_CASE("overlong forms, surrogates and code points past U+10FFFF are not UTF-8") {
    std::size_t accepted = 0;
    for (std::size_t length = 2; length <= 4; ++length)
        for (char32_t cp = 0; shortestLength(cp) < length; ++cp) accepted += decodeUtf8(encodeIn(cp, length), 0).length;
    for (char32_t cp = 0xD800; cp <= 0xDFFF; ++cp) accepted += decodeUtf8(encodeIn(cp, 3), 0).length;
    for (char32_t cp = 0x110000; cp <= 0x1FFFFF; ++cp) accepted += decodeUtf8(encodeIn(cp, 4), 0).length;
    CHECK(accepted == 0);
}

TEST_CASE("bytes that cannot start a character, and positions in or past the text") {
    for (int lead : {0x80, 0xBF, 0xC0, 0xC1, 0xF5, 0xF8, 0xFE, 0xFF}) {
        INFO(lead);
        CHECK(decodeUtf8(std::string{static_cast<char>(lead), '\x80', '\x80', '\x80'}, 0).length == 0);
    }
    CHECK(decodeUtf8("\xC3(", 0).length == 0);             // a continuation byte that is not one
    CHECK(decodeUtf8("\xE2\x9C\x93x", 0).value == 0x2713); // followed by more text
    std::string_view text = "a\xC3\xA9!";
    CHECK(decodeUtf8(text, 1).value == 0xE9);
    CHECK(decodeUtf8(text, 1).length == 2);
    CHECK(decodeUtf8(text, 2).length == 0); // inside the character
    CHECK(decodeUtf8(text, 3).value == '!');
    CHECK(decodeUtf8(text, 4).length == 0); // past the end
    CHECK(decodeUtf8(std::string_view("\0", 1), 0).length == 1);
}
