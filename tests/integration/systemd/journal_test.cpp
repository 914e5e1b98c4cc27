// Under systemd (JOURNAL_STREAM names stderr), the real roomsd logs to the journal natively:
// each record a datagram of the journal's native protocol on /run/systemd/journal/socket, with
// PRIORITY, SYSLOG_IDENTIFIER=roomsd and, on a pass's summary, its structured fields. With
// JOURNAL_STREAM naming another file, the log stays on stderr.
//
// libsystemd always sends to /run/systemd/journal/socket, so the test enters a mount namespace
// of its own (a user namespace too when not root) with an empty /run and binds that socket
// there, leaving the machine's journal alone. Where namespaces are not allowed, it says so and
// checks nothing.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/roomsd.hpp"
#include "support/sim.hpp"

using namespace roomsd::test;

namespace {

constexpr const char* kJournalSocket = "/run/systemd/journal/socket";

// Enters a private mount namespace with an empty tmpfs on /run; false where that is not allowed.
bool enterPrivateRun() {
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWNS | (uid == 0 ? 0 : CLONE_NEWUSER)) != 0) return false;
    if (uid != 0) {
        std::ofstream("/proc/self/setgroups") << "deny";
        std::ofstream("/proc/self/uid_map") << "0 " << uid << " 1";
        std::ofstream("/proc/self/gid_map") << "0 " << gid << " 1";
    }
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return false;
    if (mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") != 0) return false;
    std::filesystem::create_directories("/run/systemd/journal");
    return true;
}

using JournalRecord = std::map<std::string, std::string>;

// One datagram of the native protocol: "KEY=VALUE\n", or "KEY\n" + 64-bit LE length + data + "\n".
JournalRecord parseNative(const std::string& d) {
    JournalRecord r;
    std::size_t at = 0;
    while (at < d.size()) {
        std::size_t nl = d.find('\n', at);
        if (nl == std::string::npos) break;
        std::string line = d.substr(at, nl - at);
        auto eq = line.find('=');
        if (eq != std::string::npos) {
            r[line.substr(0, eq)] = line.substr(eq + 1);
            at = nl + 1;
            continue;
        }
        std::uint64_t size = 0;
        if (nl + 1 + 8 > d.size()) break;
        for (int i = 7; i >= 0; --i) size = (size << 8) | static_cast<unsigned char>(d[nl + 1 + i]);
        r[line] = d.substr(nl + 9, size);
        at = nl + 9 + size + 1;
    }
    return r;
}

// A datagram socket bound where libsystemd sends journal records.
class FakeJournal {
public:
    FakeJournal() : fd_(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, kJournalSocket, sizeof(addr.sun_path) - 1);
        bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    }
    ~FakeJournal() {
        if (fd_ >= 0) close(fd_);
    }
    FakeJournal(const FakeJournal&) = delete;
    FakeJournal& operator=(const FakeJournal&) = delete;
    bool bound() const { return bound_; }

    // Takes what arrived within `wait`, then returns every record so far.
    const std::vector<JournalRecord>& receive(std::chrono::milliseconds wait = std::chrono::milliseconds(50)) {
        pollfd p{fd_, POLLIN, 0};
        while (poll(&p, 1, static_cast<int>(wait.count())) > 0) {
            std::string buf(1 << 16, '\0');
            ssize_t n = recv(fd_, buf.data(), buf.size(), 0);
            if (n <= 0) break;
            buf.resize(static_cast<std::size_t>(n));
            records_.push_back(parseNative(buf));
            wait = std::chrono::milliseconds(0);
        }
        return records_;
    }
    // The first record whose MESSAGE contains `text`, or nullptr.
    const JournalRecord* find(const std::string& text) {
        for (const auto& r : receive()) {
            auto m = r.find("MESSAGE");
            if (m != r.end() && m->second.find(text) != std::string::npos) return &r;
        }
        return nullptr;
    }

private:
    int fd_;
    bool bound_ = false;
    std::vector<JournalRecord> records_;
};

std::string devIno(const std::filesystem::path& file) {
    struct stat st {};
    if (stat(file.c_str(), &st) != 0) return "";
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

ChildProcess startRoomsd(const SimProcess& sim, const TempDir& dir, const std::string& journalStream) {
    auto config = writeRoomsdConfig(dir.path(), sim, dir / "roomsd.sock",
                                    {{"sync", "interval_secs: 3600"}, {"log", "level: info"}});
    SpawnOptions spawn = roomsdEnvironment(sim.apiKey());
    spawn.stderrPath = dir / "stderr";
    spawn.env["JOURNAL_STREAM"] = journalStream;
    return ChildProcess({(binDir() / "roomsd").string(), "--config", config.string()}, spawn);
}

std::string field(const JournalRecord* r, const std::string& key) {
    if (r == nullptr) return "(no record)";
    auto it = r->find(key);
    return it == r->end() ? "(none)" : it->second;
}

// A fake journal bound, and roomsd on a fresh simulator whose JOURNAL_STREAM names its stderr
// (`journalIsStderr`) or another file. Made once the test is in its private /run.
struct JournalSetup {
    explicit JournalSetup(bool journalIsStderr) {
        writeFile(dir / "stderr", "");
        writeFile(dir / "other", "");
        roomsd.emplace(startRoomsd(sim, dir, devIno(dir / (journalIsStderr ? "stderr" : "other"))));
    }
    FakeJournal journal;
    SimProcess sim{{"--rooms", "6", "--seed", "3"}};
    TempDir dir;
    std::optional<ChildProcess> roomsd;
};

} // namespace

TEST_CASE("under systemd, records go to the journal with priorities and a pass's structured fields") {
    if (!enterPrivateRun()) {
        WARN("no private mount namespace here (unshare refused): the journal test checks nothing");
        return;
    }
    JournalSetup s(true);
    REQUIRE(s.journal.bound());
    FakeJournal& journal = s.journal;
    REQUIRE(eventually([&] { return journal.find("participants: backfill pass ok") != nullptr; },
                       std::chrono::seconds(30)));
    const JournalRecord* rooms = journal.find("rooms: backfill pass ok");
    REQUIRE(rooms != nullptr);
    CHECK(field(rooms, "PRIORITY") == "6");
    CHECK(field(rooms, "SYSLOG_IDENTIFIER") == "roomsd");
    CHECK(field(rooms, "STREAM") == "rooms");
    CHECK(field(rooms, "MODE") == "backfill");
    CHECK(field(rooms, "OUTCOME") == "ok");
    CHECK(field(rooms, "RECORDS") == "6");
    CHECK(field(rooms, "REQUESTS") != "(none)");
    CHECK(std::stoll(field(rooms, "DURATION_MS")) >= 0);
    CHECK(field(journal.find("sessions: backfill pass ok"), "STREAM") == "sessions");
    // The fields belong to the summary lines alone.
    const JournalRecord* listening = journal.find("query API listening on unix");
    REQUIRE(listening != nullptr);
    CHECK(field(listening, "STREAM") == "(none)");

    CHECK(s.roomsd->stop() == 0);
    CHECK(journal.find("stopped") != nullptr);
    // Nothing went to stderr: it was the journal's stream, and the records went natively.
    CHECK(readFile(s.dir / "stderr").find("pass ok") == std::string::npos);
}

TEST_CASE("with JOURNAL_STREAM naming another file than stderr, the log stays on stderr") {
    if (!enterPrivateRun()) {
        WARN("no private mount namespace here (unshare refused): the journal test checks nothing");
        return;
    }
    JournalSetup s(false);
    REQUIRE(s.journal.bound());
    REQUIRE(eventually(
        [&] { return readFile(s.dir / "stderr").find("participants: backfill pass ok") != std::string::npos; },
        std::chrono::seconds(30)));
    CHECK(s.roomsd->stop() == 0);
    CHECK(s.journal.receive().empty());
    CHECK(readFile(s.dir / "stderr").find(" info rooms: backfill pass ok") != std::string::npos);
}
