// The scenarios' shared checks and report lines. Thread-safety: see scenario.hpp.
#include "scenario/scenario.hpp"

#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "support/json.hpp"
#include "support/sim_control.hpp"

namespace roomsd::test {

namespace json = boost::json;
namespace fs = std::filesystem;

void report(const std::string& scenario, const std::string& what, const std::string& text) {
    std::cout << "scenario " << scenario << ": " << what << ": " << text << std::endl;
}

void requireRun(const RoomsdSetup& roomsd, const std::vector<std::string>& args) {
    RunResult result = roomsd.run(args);
    INFO("roomsd " << args.front() << (args.size() > 1 ? " " + args.back() : "") << " exited " << result.exitCode
                   << "; stderr: " << tailOf(result.err));
    REQUIRE(result.exitCode == 0);
}

Diff requireExact(const SimProcess& sim, const fs::path& database, const AccountIds& deletedUpstream,
                  std::size_t* excused) {
    std::size_t left = 0;
    Diff diff = excuseDeleted(compareExact(sim.control().account(), database), deletedUpstream, left);
    if (excused) *excused = left;
    INFO("mirror vs upstream, exact: " << diff.describe());
    REQUIRE(diff.empty());
    // The change feed holds the same: replaying the log gives the tables.
    bool trimmed = false;
    Diff log = compareChangeLog(database, trimmed);
    INFO("change log replayed vs the tables: " << log.describe());
    CHECK(log.empty());
    return diff;
}

std::string integrityCheck(const fs::path& database) {
    try {
        // Read-write (never created): after a kill the WAL may need the recovery that any opener
        // runs and a read-only connection cannot.
        SQLite::Database db(database, SQLite::OPEN_READWRITE);
        return db.execAndGet("PRAGMA integrity_check").getString();
    } catch (const std::exception& e) {
        return std::string("cannot check: ") + e.what();
    }
}

void setActivity(const SimProcess& sim, const json::object& settings) {
    HttpResponse r = sim.control().request("PUT", "/_sim/activity", json::serialize(settings));
    INFO("PUT /_sim/activity " << json::serialize(settings) << " -> " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
}

std::int64_t applyActivity(const SimProcess& sim, int changes) {
    HttpResponse r =
        sim.control().request("POST", "/_sim/activity", json::serialize(json::object{{"changes", changes}}));
    INFO("POST /_sim/activity -> " << r.status << " " << r.body.substr(0, 300));
    REQUIRE(r.status == 200);
    return parseJson(r.body).at("changes_applied").to_number<std::int64_t>();
}

void changeWithoutDeleting(const SimProcess& sim, int n, int round) {
    SimControl control = sim.control();
    json::object account = control.account();
    const json::array& rooms = account.at("rooms").as_array();
    REQUIRE(!rooms.empty());
    for (int i = 0; i < n; ++i) {
        const json::value& room = rooms[static_cast<std::size_t>(round * 31 + i * 7) % rooms.size()];
        control.mutate({{"op", "update"},
                        {"stream", "rooms"},
                        {"id", room.at("id")},
                        {"set", json::object{{"max_participants", 2 + (round + i) % 40}}}});
    }
    control.mutate({{"op", "create"},
                    {"stream", "rooms"},
                    {"record", json::object{{"unique_name", "scenario-room-" + std::to_string(round)}}}});
}

AccountIds snapshotIds(const SimProcess& sim) { return accountIds(sim.control().account()); }

ChildProcess startRoomsd(const fs::path& config, const std::vector<std::string>& args, const std::string& key,
                         const fs::path& stderrPath) {
    std::vector<std::string> argv{(binDir() / "roomsd").string(), "--config", config.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    SpawnOptions options = roomsdEnvironment(key);
    options.stderrPath = stderrPath;
    return ChildProcess(argv, options);
}

std::optional<int> terminateWithin(ChildProcess& child, std::chrono::milliseconds bound) {
    child.signal(SIGTERM);
    auto status = child.waitFor(bound);
    if (!status) {
        child.signal(SIGKILL);
        child.waitFor(std::chrono::seconds(5));
    }
    return status;
}

std::string tailOf(const std::string& text, std::size_t n) {
    return text.size() > n ? text.substr(text.size() - n) : text;
}

std::string secondsSince(std::chrono::steady_clock::time_point start) {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", s);
    return buf;
}

} // namespace roomsd::test
