// What the fuzz targets' checks share: byte-level predicates on outputs, the
// selector byte, and the guard that turns an escaped exception into a Violation.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "fuzz/targets.hpp"

namespace roomsd::fuzz {

// A byte a terminal or a log line would act on: C0 controls and DEL.
bool isControlByte(unsigned char c);

// True when `s` holds a control byte other than those in `allowed`.
bool hasControlByte(std::string_view s, std::string_view allowed = {});

// The code points of `s`; nullopt unless it is well-formed UTF-8 (no overlong
// forms, surrogates or code points past U+10FFFF).
std::optional<std::u32string> decodeUtf8(std::string_view s);
bool isValidUtf8(std::string_view s);

// `s` shortened and escaped for a violation message.
std::string excerpt(std::string_view s);

// The input's first byte (0 for an empty input) and the rest.
std::pair<std::uint8_t, std::string_view> splitSelector(std::string_view input);

// The violation "<what>: <detail>".
Violation broken(std::string_view what, std::string_view detail);

// Runs `body` (which returns a Violation); an exception it lets out becomes the
// violation "<call> threw ...".
template <class Body>
Violation guarded(std::string_view call, Body&& body) {
    try {
        return std::forward<Body>(body)();
    } catch (const std::exception& e) {
        return broken(call, std::string("threw ") + e.what());
    } catch (...) {
        return broken(call, "threw a non-standard exception");
    }
}

} // namespace roomsd::fuzz
