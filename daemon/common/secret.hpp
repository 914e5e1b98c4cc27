// Secret: a credential that must never reach a log line, an error or the database.
//
// It has no stream operator and no fmt formatter, so logging one by mistake does
// not compile; the only way to the text is the explicit reveal().
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <utility>

namespace roomsd {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}

    // The credential itself, for the one place that sends it (the Authorization header).
    const std::string& reveal() const noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }

private:
    std::string value_;
};

} // namespace roomsd
