// The machine (issue 8, "What roomsd must do" 7): a full disk fails the pass cleanly, keeps the
// daemon and its socket answering and recovers when space returns; another program locking
// the database for a while delays syncing no longer than the lock lasts.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <fcntl.h>
#include <unistd.h>

#include <regex>
#include <thread>

#include "common/time.hpp"
#include "scenario/scenario.hpp"
#include "support/daemon.hpp"
#include "support/sim_control.hpp"

namespace json = boost::json;
using namespace roomsd;
using namespace roomsd::test;

namespace {

// A small tmpfs mounted on a directory of its own for the life of the object (the CI machine runs
// the tests as root); `error` says why when it could not be mounted.
class TmpfsMount {
public:
    explicit TmpfsMount(const std::string& size) : path_(dir_ / "fs") {
        std::filesystem::create_directories(path_);
        try {
            RunResult r = run({"/usr/bin/mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path_.string()}, {},
                              std::chrono::seconds(10));
            if (r.exitCode == 0)
                mounted_ = true;
            else
                error_ = "mount -t tmpfs exited " + std::to_string(r.exitCode) + ": " + r.err;
        } catch (const std::exception& e) {
            error_ = std::string("/usr/bin/mount could not be started: ") + e.what();
        }
    }
    ~TmpfsMount() {
        if (!mounted_) return;
        try {
            run({"/usr/bin/umount", "-l", path_.string()}, {}, std::chrono::seconds(10));
        } catch (const std::exception&) {
            // A destructor does not throw; the lazy unmount of a temporary directory is best effort.
        }
    }
    TmpfsMount(const TmpfsMount&) = delete;
    TmpfsMount& operator=(const TmpfsMount&) = delete;
    bool mounted() const { return mounted_; }
    const std::string& error() const { return error_; }
    const std::filesystem::path& path() const { return path_; }

private:
    TempDir dir_;
    std::filesystem::path path_;
    bool mounted_ = false;
    std::string error_;
};

// Writes zeros to `path` until the file system is full (at most 256 MiB); returns the bytes written.
std::size_t fill(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    std::string chunk(64 * 1024, '\0');
    std::size_t written = 0;
    while (written < (256u << 20)) {
        ssize_t n = ::write(fd, chunk.data(), chunk.size());
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return written;
}

// How many passes of the participants stream (the last of a round) the daemon's log says ended.
std::size_t roundsEnded(const std::string& log) {
    static const std::regex kEnded(R"(participants: \w+ pass (ok|held|failed|cancelled))");
    return static_cast<std::size_t>(
        std::distance(std::sregex_iterator(log.begin(), log.end(), kEnded), std::sregex_iterator()));
}

// POST /sync, then waits until that round of passes (or the one already running) is over: the log says so, or /status
// was seen running and then not (a pass that cannot write may not be able to record itself in sync_runs).
void syncNow(const RoomsdDaemon& daemon) {
    std::size_t ended = roundsEnded(daemon.log());
    long answer = daemon.post("/sync", "").status;
    REQUIRE((answer == 202 || answer == 409)); // 409: a pass (a retry of a failed one) runs already
    bool sawRunning = false;
    bool over = eventually(
        [&] {
            if (roundsEnded(daemon.log()) > ended) return true;
            bool running = daemon.status().at("sync").at("running").as_bool();
            sawRunning = sawRunning || running;
            return sawRunning && !running;
        },
        std::chrono::seconds(30));
    INFO(daemon.log());
    REQUIRE(over);
}

std::string runField(const RoomsdDaemon& daemon, const std::string& stream, const std::string& field) {
    json::value run = daemon.status().at("sync").at("streams").at(stream).at("last_run");
    if (run.is_null() || run.at(field).is_null()) return "";
    return json::value_to<std::string>(run.at(field));
}

// Whether every stream's last pass is ok, finished at or after `since`, and none runs now.
bool passedOkSince(const RoomsdDaemon& daemon, Timestamp since) {
    json::value s = daemon.status();
    if (s.at("sync").at("running").as_bool()) return false;
    for (const auto& stream : s.at("sync").at("streams").as_object()) {
        const json::value& run = stream.value().at("last_run");
        if (run.is_null() || run.at("outcome") != "ok") return false;
        auto finished = parseTimestamp(run.at("finished_at").as_string());
        if (!finished || finished->micros < since.micros) return false;
    }
    return true;
}

DaemonOptions infoLog() {
    DaemonOptions options;
    options.yaml = {{"log", "level: info"}};
    return options;
}

// A daemon that has mirrored 200 rooms (seed `seed`), with 50 of them changed upstream since.
struct SyncedDaemon {
    explicit SyncedDaemon(const std::string& seed) : sim({"--rooms", "200", "--seed", seed}), daemon(sim, infoLog()) {
        changeWithoutDeleting(sim, 50, 1);
    }
    SimProcess sim;
    RoomsdDaemon daemon;
};

} // namespace

TEST_CASE("full-disk: the pass fails cleanly, the socket answers, and it recovers") {
    TmpfsMount fs("64m");
    if (!fs.mounted())
        FAIL("the full-disk scenario needs a small tmpfs and could not mount one (run the tests as root): "
             << fs.error());
    SimProcess sim({"--rooms", "200", "--seed", "31"});
    std::filesystem::path database = fs.path() / "mirror.db";
    DaemonOptions options;
    options.yaml = {{"storage", "database: " + database.string()}, {"log", "level: info"}};
    RoomsdDaemon daemon(sim, options);
    requireExact(sim, database);

    std::size_t filled = fill(fs.path() / "filler");
    // 8 MB of new upstream JSON to write: more than any slack left in the database or its WAL.
    json::object account = sim.control().account();
    std::string blob(40 * 1024, 'x');
    for (const auto& room : account.at("rooms").as_array())
        sim.control().mutate({{"op", "update"},
                              {"stream", "rooms"},
                              {"id", room.at("id")},
                              {"set", json::object{{"max_participants", 7}}},
                              {"extra", json::object{{"notes", blob}}}});
    report("full-disk", "injected",
           "database on a 64 MiB tmpfs filled with " + std::to_string(filled >> 20) +
               " MiB, then 200 rooms grew 40 KiB each upstream");

    std::string before = daemon.lastRoomsRun();
    syncNow(daemon);
    INFO(tailOf(daemon.log()));
    REQUIRE(daemon.process().running());
    // /status tells the truth about the pass that failed (kept in memory if sync_runs cannot take it).
    CHECK(daemon.lastRoomsRun() != before);
    CHECK(runField(daemon, "rooms", "outcome") == "failed");
    std::string message = runField(daemon, "rooms", "message");
    CHECK(daemon.get("/status").status == 200);
    CHECK(integrityCheck(database) == "ok");

    REQUIRE(std::filesystem::remove(fs.path() / "filler"));
    std::uintmax_t available = std::filesystem::space(fs.path()).available;
    INFO("free after removing the filler: " << (available >> 20) << " MiB");
    REQUIRE(available > (32u << 20));
    std::string failedAt = daemon.lastRoomsRun();
    syncNow(daemon);
    std::string log = daemon.log();
    INFO("after the space came back: " << tailOf(log, 4000));
    CHECK(daemon.lastRoomsRun() != failedAt);
    for (const auto& stream : {"rooms", "sessions", "participants"}) {
        INFO(stream << ": " << runField(daemon, stream, "message"));
        CHECK(runField(daemon, stream, "outcome") == "ok");
    }
    Diff diff = requireExact(sim, database);
    CHECK(integrityCheck(database) == "ok");
    report("full-disk", "verified",
           "the pass failed (\"" + message.substr(0, 80) +
               "\"), /status answered, integrity ok; filler removed, POST /sync: ok, exact: " + diff.comparedSummary());
}

TEST_CASE("lock: a 3 s exclusive lock delays the next pass no longer than it lasts") {
    SyncedDaemon synced("33");
    const SimProcess& sim = synced.sim;
    RoomsdDaemon& daemon = synced.daemon;

    Timestamp locked = nowUtc();
    Timestamp released;
    {
        SQLite::Database other(daemon.database(), SQLite::OPEN_READWRITE);
        other.exec("BEGIN EXCLUSIVE");
        REQUIRE(daemon.post("/sync", "").status == 202);
        std::this_thread::sleep_for(std::chrono::seconds(3));
        other.exec("COMMIT");
        released = nowUtc();
    }
    report("lock", "injected",
           "another connection held BEGIN EXCLUSIVE for 3 s while a pass (POST /sync) wanted to write 50 changed rooms "
           "and 1 new one");
    // Within a few seconds of the release (the sync interval is an hour), every stream has
    // completed a pass that started after the lock was taken.
    bool ok = eventually([&] { return passedOkSince(daemon, locked); }, std::chrono::seconds(10));
    INFO("status: " << json::serialize(daemon.status().at("sync")));
    INFO(tailOf(daemon.log()));
    REQUIRE(ok);
    Timestamp done = nowUtc();
    Diff diff = requireExact(sim, daemon.database());
    report("lock", "verified",
           "every stream's pass ok " + std::to_string((done.micros - released.micros) / 1000) +
               " ms or less after the release (interval 3600 s); exact: " + diff.comparedSummary());
}

TEST_CASE("lock: a reader holding a long read transaction does not hold up a pass") {
    SyncedDaemon synced("35");
    const SimProcess& sim = synced.sim;
    RoomsdDaemon& daemon = synced.daemon;
    SQLite::Database reader(daemon.database(), SQLite::OPEN_READONLY);
    reader.exec("BEGIN");
    std::string rooms = reader.execAndGet("SELECT count(*) FROM rooms").getString(); // the snapshot is taken
    Timestamp asked = nowUtc();
    REQUIRE(daemon.post("/sync", "").status == 202);
    // The pass completes while the reader still holds its snapshot.
    bool ok = eventually([&] { return passedOkSince(daemon, asked); }, std::chrono::seconds(10));
    INFO(tailOf(daemon.log()));
    REQUIRE(ok);
    Timestamp done = nowUtc();
    CHECK(reader.execAndGet("SELECT count(*) FROM rooms").getString() == rooms); // still its snapshot
    reader.exec("COMMIT");
    Diff diff = requireExact(sim, daemon.database());
    report("lock", "injected",
           "a reader held one read transaction (BEGIN; SELECT) through a pass of 50 changed rooms and 1 new one");
    report("lock", "verified",
           "the pass completed ok " + std::to_string((done.micros - asked.micros) / 1000) +
               " ms after POST /sync while the reader held its snapshot; exact: " + diff.comparedSummary());
}
