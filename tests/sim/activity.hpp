// Activity: the account living on while clients read it, as a busy upstream does:
// rooms created, updated and deleted; sessions started and ended; participants
// joining and leaving. Deterministic under its seed: the same seed and the same
// account give the same changes to the same records (the timestamps are the clock's).
//
// Each change keeps the account consistent: a room's active_session_id names its one
// active session or is null; a session that ends gets ended_at, active=false, and its
// participants leave; a participant joins only an active session; the record a change
// touches gets updated_at = now; timestamps never go backwards (now is the sim's clock,
// or one microsecond after the last stamp when the clock has not moved on). Whether
// a session or participant change also bumps its room's (and a participant's session's)
// updated_at is a switch, off by default: the room's active_session_id then changes
// while its updated_at stays, which an incremental reader must cope with.
// Thread-safety: none; the server uses it from its one io_context thread.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "account.hpp"
#include "random.hpp"

namespace roomsd::sim {

struct ActivityOptions {
    std::uint64_t seed = 1;
    bool bumpsParents = false;      // a session or participant change bumps its room's updated_at
    std::int64_t everyRequests = 0; // K changes after every Nth /v2 list request; 0: never
    std::int64_t intervalMs = 0;    // K changes every M ms; 0: never
    std::int64_t changes = 1;       // K
};

// One change applied, as /_sim/activity reports it.
struct ActivityChange {
    std::string change; // "room_created", "session_ended", ...
    std::string stream; // of the record the change is about
    std::string id;
    Timestamp at;                                             // its stamp
    std::vector<std::pair<std::string, std::string>> touched; // every record it wrote: stream, id
};

class Activity {
public:
    explicit Activity(ActivityOptions options);

    const ActivityOptions& options() const { return options_; }
    // Replaces the triggers and the switch (not the seed), from a /_sim/activity body.
    void configure(const ActivityOptions& options);

    // Applies `count` changes to `account` at (about) `now`.
    std::vector<ActivityChange> apply(Account& account, std::int64_t count, Timestamp now);
    // Counts one /v2 list request; true when it is the Nth since the last trigger.
    bool countListRequest();

    std::uint64_t changesApplied() const { return applied_; }
    // {"seed":..,"bumps_parents":..,"every_requests":..,"interval_ms":..,"changes":..,"changes_applied":..}
    boost::json::object toJson() const;

private:
    Timestamp stamp(Timestamp now);
    ActivityChange applyOne(Account& account, Timestamp now);

    ActivityOptions options_;
    SeededRandom random_;
    Timestamp last_{};
    std::int64_t listRequests_ = 0;
    std::uint64_t applied_ = 0;
    std::uint64_t roomsCreated_ = 0;
};

// Reads {"changes":K} (apply now) or a configuration {"every_requests":N,"interval_ms":M,
// "changes":K,"bumps_parents":bool}; Usage error naming the bad field.
Result<ActivityOptions> activityOptionsFromJson(const boost::json::object& body, ActivityOptions current);

} // namespace roomsd::sim
