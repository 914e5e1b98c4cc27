#include "common/digest.hpp"

#include <cstring>

namespace roomsd {
namespace {

constexpr std::uint64_t kC1 = 0x87c37b91114253d5ULL;
constexpr std::uint64_t kC2 = 0x4cf5ad432745937fULL;

constexpr std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

constexpr std::uint64_t fmix(std::uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

struct Lanes {
    std::uint64_t h1 = 0x9368e53c2f6af274ULL;
    std::uint64_t h2 = 0x586dcd208f7cd3fdULL;

    void block(const char* p) {
        std::uint64_t k1, k2;
        std::memcpy(&k1, p, 8);
        std::memcpy(&k2, p + 8, 8);
        k1 *= kC1;
        k1 = rotl(k1, 31);
        k1 *= kC2;
        h1 ^= k1;
        h1 = rotl(h1, 27);
        h1 += h2;
        h1 = h1 * 5 + 0x52dce729;
        k2 *= kC2;
        k2 = rotl(k2, 33);
        k2 *= kC1;
        h2 ^= k2;
        h2 = rotl(h2, 31);
        h2 += h1;
        h2 = h2 * 5 + 0x38495ab5;
    }
};

} // namespace

Digest128 digestOf(std::string_view bytes) noexcept {
    Lanes lanes;
    std::size_t whole = bytes.size() / 16 * 16;
    for (std::size_t i = 0; i < whole; i += 16) lanes.block(bytes.data() + i);
    char tail[16] = {};
    if (bytes.size() > whole) std::memcpy(tail, bytes.data() + whole, bytes.size() - whole);
    lanes.block(tail);
    std::uint64_t h1 = lanes.h1 ^ bytes.size();
    std::uint64_t h2 = lanes.h2 ^ bytes.size();
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    h2 += h1;
    return Digest128{h1, h2, bytes.size()};
}

} // namespace roomsd
