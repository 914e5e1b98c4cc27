// Fault rules: scripted misbehaviour of the /v2 API, installed through /_sim/faults.
//
// A rule names a path (matching that path and everything below it), optionally a
// page[number], how many matching requests it hits, and what happens to them:
// an arbitrary status, a truncated body, a non-JSON body, a closed connection or a
// delay. Rules are checked in the order they were added; the first matching rule
// that has uses left applies and spends one use.
// Thread-safety: none; the server uses it from its one io_context thread.
#pragma once

#include <boost/json/fwd.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace roomsd::sim {

enum class FaultKind { Status, Truncate, Garbage, Close, Delay };

struct FaultRule {
    std::string path;                 // "/v2/rooms"
    std::optional<std::int64_t> page; // page[number] to match, any when nullopt
    std::int64_t timesLeft = 1;
    FaultKind kind = FaultKind::Status;
    unsigned status = 500;                                    // for Status
    std::vector<std::pair<std::string, std::string>> headers; // extra response headers
    std::optional<std::string> body;                          // for Status and Garbage
    std::chrono::milliseconds delay{0};                       // for Delay
};

// True when `requestPath` is `rulePath` or lies below it ("/v2/rooms" matches
// "/v2/rooms" and "/v2/rooms/ID", not "/v2/room_sessions").
bool faultPathMatches(std::string_view rulePath, std::string_view requestPath);

// Parses {"faults":[{...}, ...]}; Usage error naming the first bad rule and field.
Result<std::vector<FaultRule>> parseFaultRules(const boost::json::value& body);

class FaultPlan {
public:
    void append(std::vector<FaultRule> rules);
    void clear();
    // The rule for a request to `path` asking for page `page` (nullopt: not a valid
    // page number), spending one of its uses; nullopt when no rule applies.
    std::optional<FaultRule> take(std::string_view path, std::optional<std::int64_t> page);
    // {"faults":[...]}: the rules with the uses they have left.
    boost::json::object toJson() const;

private:
    std::vector<FaultRule> rules_;
};

} // namespace roomsd::sim
