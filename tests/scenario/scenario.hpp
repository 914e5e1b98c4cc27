// What the convergence scenarios share: the report lines each prints, the checks each ends
// with (the comparison with the simulator's truth, PRAGMA integrity_check), the simulator's
// activity switches, and roomsd started and stopped within a bound.
// Thread-safety: call from the test's own thread (Catch assertions).
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scenario/compare.hpp"
#include "support/process.hpp"
#include "support/roomsd.hpp"
#include "support/sim.hpp"

namespace roomsd::test {

// One line on stdout: "scenario <name>: <what>: <text>" (what: injected or verified).
void report(const std::string& scenario, const std::string& what, const std::string& text);

// Runs roomsd with `args` after --config (one --once pass by default) and requires exit 0,
// failing the test with the end of roomsd's stderr otherwise.
void requireRun(const RoomsdSetup& roomsd, const std::vector<std::string>& args = {"--once"});

// The exact comparison of the mirror with the simulator's account; fails the test with the diff.
// Live rows of the records in `deletedUpstream` are excused (see excuseDeleted), counted in `excused`.
Diff requireExact(const SimProcess& sim, const std::filesystem::path& database, const AccountIds& deletedUpstream = {},
                  std::size_t* excused = nullptr);
// PRAGMA integrity_check of `database` through a read-write connection of its own ("ok" when intact).
std::string integrityCheck(const std::filesystem::path& database);

// PUT /_sim/activity with `settings` ({"every_requests":0} turns the per-request trigger off).
void setActivity(const SimProcess& sim, const boost::json::object& settings);
// POST /_sim/activity {"changes": n}: n changes now; returns how many were applied in all so far.
std::int64_t applyActivity(const SimProcess& sim, int changes);

// The account's ids and updated_at, from /_sim/account.
AccountIds snapshotIds(const SimProcess& sim);

// Changes that delete nothing, for scenarios whose last pass is not a reconcile: `n` rooms get
// another max_participants and one room is created (POST /_sim/mutate), chosen by `round`.
void changeWithoutDeleting(const SimProcess& sim, int n, int round);

// roomsd started with `args` after --config `config`, TELNYX_API_KEY `key`, stderr to `stderrPath`.
ChildProcess startRoomsd(const std::filesystem::path& config, const std::vector<std::string>& args,
                         const std::string& key, const std::filesystem::path& stderrPath);

// SIGTERM, then waits `bound` for the exit status; nullopt (after a SIGKILL) when it did not exit.
std::optional<int> terminateWithin(ChildProcess& child, std::chrono::milliseconds bound);

// The last `n` characters of `text` (a log), for failure messages.
std::string tailOf(const std::string& text, std::size_t n = 6000);

// Seconds since `start`, with one decimal, for the report lines.
std::string secondsSince(std::chrono::steady_clock::time_point start);

} // namespace roomsd::test
