// digestOf: equal bytes give equal digests; any change of a byte, of the length or of where a
// block ends gives another.
#include <catch2/catch.hpp>

#include <random>
#include <set>
#include <string>
#include <utility>

#include "common/digest.hpp"

using roomsd::digestOf;

TEST_CASE("the same bytes give the same digest, with their length") {
    std::string body = R"({"data":[{"id":"r1"}],"meta":{"page_number":1}})";
    CHECK(digestOf(body) == digestOf(std::string(body)));
    CHECK(digestOf(body).size == body.size());
    CHECK(digestOf("").size == 0);
}

TEST_CASE("every one-byte change, truncation and zero-padding of a body gives another digest") {
    std::mt19937_64 rng(7);
    std::string body;
    for (int i = 0; i < 1000; ++i) body.push_back(static_cast<char>(rng()));
    std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
    auto add = [&](const std::string& s) {
        auto d = digestOf(s);
        return seen.emplace(d.high, d.low).second;
    };
    REQUIRE(add(body));
    std::size_t collisions = 0;
    for (std::size_t i = 0; i < body.size(); ++i) {
        for (int bit = 0; bit < 8; bit += 3) {
            std::string changed = body;
            changed[i] = static_cast<char>(changed[i] ^ (1 << bit));
            if (!add(changed)) ++collisions;
        }
    }
    for (std::size_t n = 0; n < body.size(); ++n)
        if (!add(body.substr(0, n))) ++collisions;
    // A tail padded with zeros to the block is not the tail itself.
    for (std::size_t pad = 1; pad < 20; ++pad)
        if (!add(body.substr(0, 990) + std::string(pad, '\0'))) ++collisions;
    CHECK(collisions == 0);
}
