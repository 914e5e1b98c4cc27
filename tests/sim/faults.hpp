// Fault rules: scripted misbehaviour of the /v2 API, installed through /_sim/faults.
//
// A rule names a path (matching that path and everything below it), optionally a
// page[number], how many matching requests it hits and/or the rate at which it hits
// them (seeded, so a run repeats), and what happens to them: an arbitrary status, a
// truncated body, a non-JSON body, a closed connection, a delay, a page whose meta
// lies, a body with wrong types, or no answer at all. Rules are checked in the order
// they were added; the first matching rule that has uses left (and, with a rate, whose
// draw hits) applies and spends one use.
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
#include "random.hpp"

namespace roomsd::sim {

enum class FaultKind { Status, Truncate, Garbage, Close, Delay, LyingMeta, WrongTypes, Hang };

// What a lying_meta fault lies about.
enum class MetaLie {
    TotalPagesHigh,  // meta.total_pages one more than true
    TotalResultsLow, // meta.total_results one page (page_size) less than true, at least 1 less, not below 0
    PageStuck,       // page 1's answer, whatever page[number] asked for
};

struct FaultRule {
    std::string path;                          // "/v2/rooms"
    std::optional<std::int64_t> page;          // page[number] to match, any when nullopt
    std::optional<std::int64_t> timesLeft = 1; // nullopt: unlimited (a rule with a rate and no times)
    std::optional<double> rate;                // hits a matching request with this probability
    FaultKind kind = FaultKind::Status;
    MetaLie lie = MetaLie::TotalPagesHigh;                    // for LyingMeta
    std::string field;                                        // for WrongTypes: a record field, or "data"
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

// A lying_meta answer: `body` (a list answer, JSON) with meta's total_pages raised or
// total_results lowered. (PageStuck is the server's: it answers page 1 instead.)
std::string lieAboutMeta(std::string_view body, MetaLie lie);

// A wrong_types answer: `body` (JSON) with `field` of each record in data given the wrong
// JSON type (a number as a string, a string as a number, a boolean as a string, null as
// 0); with field "data", data itself becomes an object (records keyed by id, or
// a list wrapped in {"items":...}). A body that is not JSON is returned as is.
std::string withWrongTypes(std::string_view body, std::string_view field);

class FaultPlan {
public:
    explicit FaultPlan(std::uint64_t seed = 1) : random_(seed) {}

    void append(std::vector<FaultRule> rules);
    void clear();
    // The rule for a request to `path` asking for page `page` (nullopt: not a valid
    // page number), spending one of its uses; nullopt when no rule applies.
    std::optional<FaultRule> take(std::string_view path, std::optional<std::int64_t> page);
    // {"faults":[...]}: the rules with the uses they have left.
    boost::json::object toJson() const;

private:
    std::vector<FaultRule> rules_;
    SeededRandom random_; // the draws of rules with a rate
};

} // namespace roomsd::sim
