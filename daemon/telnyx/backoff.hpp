// How long to wait before retrying a Telnyx request: exponential backoff with
// full jitter, and the waits a server asks for (Retry-After, x-ratelimit-reset).
//
// Pure arithmetic and header parsing; the caller supplies the clock reading and
// the random generator, so every function is deterministic given its inputs.
// Thread-safety: pure functions (a generator passed in belongs to the caller).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace roomsd::telnyx {

// The longest wait before retry `retryIndex` (0 for the first retry):
// min(cap, base * 2^retryIndex), without overflow for any index; 0 for a negative index or base.
std::chrono::milliseconds backoffCeiling(int retryIndex, std::chrono::milliseconds base, std::chrono::milliseconds cap);

// A "full jitter" wait before retry `retryIndex`: uniform in [0, backoffCeiling(...)].
std::chrono::milliseconds jitteredBackoff(int retryIndex, std::chrono::milliseconds base, std::chrono::milliseconds cap,
                                          std::mt19937_64& random);

// The wait a Retry-After value asks for: delta-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT", also the obsolete RFC 850 and asctime forms)
// relative to `now`; a date in the past asks for no wait. nullopt when the value is neither.
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

// Values of x-ratelimit-reset above this are Unix epoch times, not seconds from now.
inline constexpr std::int64_t kEpochResetThreshold = 1'000'000'000;

// The wait an x-ratelimit-reset value asks for: seconds until the window resets
// ("30", "1.5"), or a Unix epoch time in seconds when above kEpochResetThreshold;
// an epoch in the past asks for no wait. nullopt when the value is not a number.
std::optional<std::chrono::milliseconds> parseRateLimitReset(std::string_view value,
                                                             std::chrono::system_clock::time_point now);

// The wait before a retry: the jittered backoff, raised to what the server asked
// for, where the server's request counts only up to `maxServerWait`.
std::chrono::milliseconds retryWait(std::chrono::milliseconds jittered,
                                    std::optional<std::chrono::milliseconds> serverWait,
                                    std::chrono::milliseconds maxServerWait);

} // namespace roomsd::telnyx
