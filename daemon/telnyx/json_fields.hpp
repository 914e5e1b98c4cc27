// Reading optional members of an upstream JSON object, for the body parsers.
// Thread-safety: pure functions.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace roomsd::telnyx {

// The member `key` as a 64-bit integer, when present and one.
inline std::optional<std::int64_t> intField(const boost::json::object& obj, std::string_view key) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (it->value().is_int64()) return it->value().get_int64();
    if (it->value().is_uint64() && it->value().get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(it->value().get_uint64());
    return std::nullopt;
}

// The member `key` as text, "" when absent or not a string.
inline std::string stringField(const boost::json::object& obj, std::string_view key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

} // namespace roomsd::telnyx
