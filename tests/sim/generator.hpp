// The generated account: rooms, their sessions and their participants, made up
// deterministically from a seed.
//
// The same options always give byte-identical records (ids, names, timestamps),
// on any platform: every draw comes from SeededRandom in a fixed order.
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <vector>

#include "common/time.hpp"
#include "records.hpp"
#include "spec.hpp"

namespace roomsd::sim {

struct GeneratorOptions {
    std::int64_t rooms = 50;
    std::uint64_t seed = 1;
    Timestamp anchor;       // the newest instant any record may carry
    std::int64_t days = 30; // records spread over [anchor - days, anchor]
};

struct GeneratedAccount {
    std::vector<Record> rooms;
    std::vector<Record> sessions;
    std::vector<Record> participants;
};

// Each room gets 0..5 sessions (about 2 on average), each session 1..6 participants;
// about 30% of the rooms that have sessions have their latest one still active.
GeneratedAccount generateAccount(const ApiSpec& spec, const GeneratorOptions& options);

} // namespace roomsd::sim
