// Digest128: a 128-bit digest of a byte string, and its length, to tell whether a response body
// is the one seen before without keeping the body.
//
// The mixing is MurmurHash3 x64-128's (16-byte blocks in two 64-bit lanes, its constants and
// finalizer); the tail is zero-padded into a last block, so the values are not MurmurHash3's own.
// Not cryptographic: it tells apart what a server sends, it does not resist one that crafts
// collisions (such a server could as well send stale data).
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string_view>

namespace roomsd {

struct Digest128 {
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    std::uint64_t size = 0; // bytes digested
    bool operator==(const Digest128&) const = default;
};

Digest128 digestOf(std::string_view bytes) noexcept;

} // namespace roomsd
