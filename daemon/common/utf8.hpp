// Reading UTF-8 one code point at a time, strictly: the one decoder of roomsd and roomsctl.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace roomsd {

// One code point read from UTF-8 text.
struct Utf8CodePoint {
    char32_t value = 0;
    std::size_t length = 0; // bytes it takes, 1 to 4; 0 when the bytes are not valid UTF-8
};

// The code point whose encoding starts at s[pos], by the well-formed sequences of Unicode
// (Table 3-7): no overlong forms, no surrogates, nothing above U+10FFFF, nothing cut
// short. Length 0 when it is not one (or pos is past the end); a caller that goes on
// skips one byte.
Utf8CodePoint decodeUtf8(std::string_view s, std::size_t pos);

} // namespace roomsd
