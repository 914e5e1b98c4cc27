// The configuration's exception: start-up and reload only.
// Thread-safety: plain values.
#pragma once

#include <stdexcept>

namespace roomsd::config {

// Thrown for a configuration that cannot be used; what() is the whole message,
// "FILE:LINE: key: problem".
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace roomsd::config
