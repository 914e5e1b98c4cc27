// What the unit tests share: the spec the simulator serves by default (loaded once),
// its schemas and operations by name, and generated accounts.
// Thread-safety: the loaded spec is immutable; tests run on one thread.
#pragma once

#include <stdexcept>
#include <string_view>

#include "account.hpp"
#include "generator.hpp"
#include "spec.hpp"

namespace roomsd::sim::testing {

inline const std::shared_ptr<const ApiSpec>& testSpec() {
    static const std::shared_ptr<const ApiSpec> spec = [] {
        auto loaded = ApiSpec::load(defaultSpecPath());
        if (!loaded) throw std::runtime_error(loaded.error().message);
        return *loaded;
    }();
    return spec;
}

inline const StreamSchema& schemaOf(Stream stream) { return testSpec()->schema(stream); }

// The operation with that operationId, e.g. "ListRooms"; the test fails without one.
inline const Operation& op(std::string_view id) {
    const Operation* found = testSpec()->operation(id);
    if (found == nullptr) throw std::runtime_error("no operation " + std::string(id));
    return *found;
}

// The anchor the tests generate accounts at, and "now" a month later.
inline const Timestamp kAnchor = *parseTimestamp("2026-06-01T00:00:00Z");
inline const Timestamp kMonthLater = *parseTimestamp("2026-07-01T00:00:00Z");

// An account of `rooms` generated rooms (seed `seed`, 30 days before kAnchor); `idSeed` seeds later ids.
inline Account testAccount(std::int64_t rooms, std::uint64_t seed, std::uint64_t idSeed) {
    return Account(testSpec(), generateAccount(*testSpec(), {rooms, seed, kAnchor, 30}), idSeed);
}

} // namespace roomsd::sim::testing
