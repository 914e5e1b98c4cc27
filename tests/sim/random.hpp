// SeededRandom: the simulator's only source of randomness, reproducible across platforms.
//
// std::mt19937_64's output sequence is fixed by the C++ standard, but the std::
// distributions are not (libstdc++ and libc++ differ), so every draw the generator
// makes goes through the integer helpers here. Same seed, same calls => same values.
// Thread-safety: one owner; not synchronised.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace roomsd::sim {

class SeededRandom {
public:
    explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}

    // A uniformly distributed integer in [low, high] (inclusive); low when high < low.
    std::int64_t uniform(std::int64_t low, std::int64_t high) {
        if (high <= low) return low;
        std::uint64_t span = static_cast<std::uint64_t>(high) - static_cast<std::uint64_t>(low) + 1;
        std::uint64_t draw = engine_();
        if (span != 0) { // span == 0 means the full 64-bit range
            // Reject the top sliver that would make some results more likely than others.
            std::uint64_t limit = (UINT64_MAX / span) * span;
            while (draw >= limit) draw = engine_();
            draw %= span;
        }
        return static_cast<std::int64_t>(static_cast<std::uint64_t>(low) + draw);
    }

    // True with probability percent/100.
    bool chance(int percent) { return uniform(0, 99) < percent; }

    // A version-4-shaped UUID in lower case: 8-4-4-4-12 hex digits.
    std::string uuid() {
        std::uint64_t high = engine_();
        std::uint64_t low = engine_();
        high = (high & ~std::uint64_t{0xF000}) | 0x4000;                        // version 4
        low = (low & ~(std::uint64_t{0xC} << 60)) | (std::uint64_t{0x8} << 60); // variant 10xx
        static constexpr char kHex[] = "0123456789abcdef";
        std::string out;
        out.reserve(36);
        auto put = [&](std::uint64_t bits, int nibbles) {
            for (int i = nibbles - 1; i >= 0; --i) out += kHex[(bits >> (i * 4)) & 0xF];
        };
        put(high >> 32, 8);
        out += '-';
        put(high >> 16, 4);
        out += '-';
        put(high, 4);
        out += '-';
        put(low >> 48, 4);
        out += '-';
        put(low, 12);
        return out;
    }

private:
    std::mt19937_64 engine_;
};

} // namespace roomsd::sim
