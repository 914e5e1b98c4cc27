// Secret: a credential that must never reach a log line, an error or the database.
//
// It has no stream operator and no fmt formatter, so logging one by mistake does
// not compile; the only way to the text is the explicit reveal().
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <string_view>
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

// `text` with every occurrence of `secret` replaced by "[redacted]". Terminates for any secret and
// any text: the search goes on after each replacement, never inside it (the mark itself contains
// short secrets such as "d"), so the work is linear in the text. An empty secret changes nothing.
std::string redactSecret(std::string_view text, const Secret& secret);

} // namespace roomsd
