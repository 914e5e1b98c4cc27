// Deterministic input mutation for fuzz_smoke: the same seed gives the same inputs
// on every run and every machine (SplitMix64, no std distributions).
// Thread-safety: one owner per Mutator; the free functions are pure.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace roomsd::fuzz {

class Mutator {
public:
    // `keepFirst` leading bytes (a target's selector) are left alone by most mutations.
    Mutator(std::uint64_t seed, std::vector<std::string> corpus, std::size_t keepFirst);

    // A corpus entry after one to four mutations: bit flips, interesting bytes and
    // tokens set or inserted, ranges deleted, chunks duplicated, a splice with
    // another entry, a truncation, deep nesting, a new selector.
    std::string next();

private:
    std::uint64_t random();
    std::size_t below(std::size_t bound); // uniform enough in [0, bound); 0 when bound is 0
    void mutateOnce(std::string& input);

    std::uint64_t state_;
    std::vector<std::string> corpus_;
    std::size_t keepFirst_;
};

// A seed for `name` that does not depend on the standard library's hashing.
std::uint64_t seedFor(std::string_view name);

// Prefixes of `input` longer than `keepFirst`: every length of a short input,
// about a hundred evenly spaced lengths of a long one.
std::vector<std::string> truncations(std::string_view input, std::size_t keepFirst);

// Inputs no mutation grows into by chance: nesting 10000 deep, long runs of one
// byte, NULs, an unterminated string of 100 kB.
std::vector<std::string> extremes();

// Copies of `doc` in which one value at a time (every member and element, at
// every depth, and the document itself) is replaced by a value of another type:
// null, booleans, extreme numbers, control characters, arrays, objects.
// At most about `limit` copies, spread evenly over all the possible ones.
std::vector<boost::json::value> wrongTypes(const boost::json::value& doc, std::size_t limit);

} // namespace roomsd::fuzz
