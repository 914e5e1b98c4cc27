// The mirror against the simulator's truth, record by record: GET /_sim/account (every
// record upstream holds) next to the mirror's SQLite file (rooms, room_sessions,
// room_participants: upstream_json, the typed columns, deleted_at), every field of every
// record, deletions included. The result is a Diff that lists each mismatch, so a failing
// scenario says which record is wrong, in which field, and how.
// Thread-safety: plain functions over values; each opens its own read-only connection.
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace roomsd::test {

// One thing the mirror has wrong.
struct Mismatch {
    std::string kind;     // missing, extra, tombstoned, field, column, stale
    std::string stream;   // rooms, room_sessions, room_participants
    std::string id;       // the record's id
    std::string field;    // the field or column, "" for a whole record
    std::string mirror;   // what the mirror holds (JSON text, or "absent" / "deleted_at=...")
    std::string upstream; // what upstream holds
};

struct Diff {
    std::vector<Mismatch> mismatches;
    std::map<std::string, std::size_t> compared;   // stream -> records compared
    std::map<std::string, std::size_t> tombstones; // stream -> tombstoned rows of records upstream no longer has
    bool empty() const { return mismatches.empty(); }
    // Counts by kind and stream, then the first `limit` mismatches one a line.
    std::string describe(std::size_t limit = 40) const;
    // "rooms 2000, room_sessions 4012, room_participants 14031" (records compared).
    std::string comparedSummary() const;
};

// The three streams, as /_sim/account and the mirror's tables name them.
const std::vector<std::string>& streams();

// "Exact": every record upstream holds is a live row of the mirror whose upstream_json equals it
// field by field (the nested arrays sessions/participants left out) and whose typed columns hold
// the same values; every live row upstream no longer has is a mismatch (extra), and so is a
// tombstoned row of a record upstream still has.
Diff compareExact(const boost::json::object& account, const std::filesystem::path& database);

// stream -> id -> updated_at ("" when null): which records an account holds and how new.
using AccountIds = std::map<std::string, std::map<std::string, std::string>>;
AccountIds accountIds(const boost::json::object& account);
// The records of `before` that `after` still holds: those that existed throughout a pass
// (a record both snapshots hold was not deleted in between: the simulator never reuses an id).
AccountIds heldThroughout(const AccountIds& before, const AccountIds& after);

// "Held everything that existed throughout": each record of `held` is a live row of the
// mirror whose updated_at is at least the one in `held` (missing, tombstoned, stale).
Diff compareHeld(const AccountIds& held, const std::filesystem::path& database);

// `diff` without the "extra" mismatches of records in `deletedUpstream`: those an incremental pass
// is not meant to see go (only a reconcile finds deletions). `excused` counts what was left out.
Diff excuseDeleted(const Diff& diff, const AccountIds& deletedUpstream, std::size_t& excused);
// The records of `before` that `after` no longer holds.
AccountIds deletedBetween(const AccountIds& before, const AccountIds& after);

// The change log against the tables: replaying every change from the first (the feed's rules: a
// change's record is the row's upstream_json, its applied_at the row's synced_at, and a delete its
// deleted_at) gives each row of the three tables exactly, and seqs run without a gap. Mismatches
// are of kind "changelog". `trimmed` is set when retention has trimmed the log (nothing compared).
Diff compareChangeLog(const std::filesystem::path& database, bool& trimmed);

// "rooms 2000, room_sessions 4012, room_participants 14031".
std::string countSummary(const AccountIds& ids);

} // namespace roomsd::test
