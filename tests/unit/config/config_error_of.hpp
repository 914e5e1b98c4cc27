// The message of the ConfigError a loader throws, for the configuration tests.
// Thread-safety: pure functions.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "config/errors.hpp"

namespace roomsd::test {

// What `load(yaml)` throws as a ConfigError; fails the test when it throws nothing.
template <typename Load>
std::string configErrorOf(Load load, const std::string& yaml) {
    try {
        load(yaml);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    FAIL("expected a ConfigError for:\n" << yaml);
    return {};
}

} // namespace roomsd::test
