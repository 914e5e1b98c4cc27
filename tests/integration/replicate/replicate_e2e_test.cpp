// roomsd-replicate end to end, as an administrator runs it: the real roomsd syncing telnyx-sim's
// live account, the real roomsd-replicate binary on roomsd's socket, a real PostgreSQL
// (pg_server.hpp). The replica is compared with the mirror row by row, every column, in one
// canonical text form (replica_compare.hpp), and the views with the mirror's through the
// README's own example queries.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "pg_server.hpp"
#include "replica_compare.hpp"
#include "support/daemon.hpp"
#include "support/notify_socket.hpp"
#include "support/process.hpp"
#include "support/roomsd.hpp"
#include "support/sim.hpp"
#include "support/sim_control.hpp"

using namespace roomsd::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kTables[] = {"rooms", "room_sessions", "room_participants"};

// A simulator whose account lives on: 3 changes every 150 ms.
std::vector<std::string> liveAccount() {
    return {"--rooms", "25", "--seed", "13", "--anchor", "now", "--activity-interval-ms", "150", "--activity-changes",
            "3"};
}

DaemonOptions syncEverySecond() {
    DaemonOptions options;
    options.yaml = {{"sync", "interval_secs: 1"}};
    return options;
}

// roomsd-replicate's files in a directory of its own: the config, the connection string, its log.
class Replica {
public:
    Replica(const RoomsdDaemon& daemon, const PgServer& pg, const std::string& extra = "") {
        writeFile(dir_ / "pg_conninfo", pg.conninfo() + "\n");
        writeFile(dir_ / "replicate.yaml", "mirror:\n  socket: " + daemon.socket().string() +
                                               "\npostgres:\n  conninfo_file: pg_conninfo\nbatch: 40\nwait_secs: 2\n"
                                               "log:\n  level: debug\n" +
                                               extra);
    }
    // Starts it; `notifySocket` plays systemd's NOTIFY_SOCKET when given.
    void start(const std::filesystem::path& notifySocket = {}) {
        SpawnOptions options;
        options.stderrPath = dir_ / "stderr";
        options.unsetEnv = {"NOTIFY_SOCKET", "JOURNAL_STREAM", "CREDENTIALS_DIRECTORY", "WATCHDOG_USEC"};
        if (!notifySocket.empty()) options.env["NOTIFY_SOCKET"] = notifySocket.string();
        process_ =
            std::make_unique<ChildProcess>(std::vector<std::string>{(binDir() / "roomsd-replicate").string(),
                                                                    "--config", (dir_ / "replicate.yaml").string()},
                                           options);
    }
    ChildProcess& process() { return *process_; }
    std::string log() const { return readFile(dir_ / "stderr"); }
    std::filesystem::path config() const { return dir_ / "replicate.yaml"; }

private:
    TempDir dir_;
    std::unique_ptr<ChildProcess> process_;
};

std::string mirrorLastSeq(const RoomsdDaemon& daemon) {
    SQLite::Database db(daemon.database().string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    return queryOne(db, "SELECT coalesce(max(seq), 0) FROM change_log");
}

std::string replicaLastSeq(PgClient& pg) {
    try {
        return pg.scalar("SELECT last_seq FROM roomsd.replica_state WHERE consumer = 'replica'");
    } catch (const std::exception&) {
        return "";
    }
}

// Stops the simulator's activity, then waits for a roomsd pass that started after it: the
// mirror then holds the account as it stays.
void quiet(const SimProcess& sim, const RoomsdDaemon& daemon) {
    REQUIRE(sim.control().request("PUT", "/_sim/activity", R"({"interval_ms":0})").status == 200);
    std::string before = daemon.lastRoomsRun();
    daemon.waitForPassAfter(before);
    daemon.waitForPassAfter(daemon.lastRoomsRun());
}

// "" when the replica's three tables equal the mirror's row by row, else the first difference.
std::string difference(const RoomsdDaemon& daemon, PgClient& pg) {
    SQLite::Database db(daemon.database().string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    for (const char* table : kTables) {
        std::string d = firstDifference(table, sqliteTable(db, table), pgTable(pg, "roomsd", table));
        if (!d.empty()) return d;
    }
    return "";
}

void requireConverged(const RoomsdDaemon& daemon, PgClient& pg, const Replica& replica) {
    bool caughtUp = eventually([&] { return replicaLastSeq(pg) == mirrorLastSeq(daemon); }, 30s);
    INFO("replica at " << replicaLastSeq(pg) << ", mirror at " << mirrorLastSeq(daemon) << "\n"
                       << replica.log().substr(replica.log().size() > 4000 ? replica.log().size() - 4000 : 0));
    REQUIRE(caughtUp);
    std::string d = difference(daemon, pg);
    INFO(d);
    CHECK(d.empty());
    SQLite::Database db(daemon.database().string(), SQLite::OPEN_READONLY);
    db.setBusyTimeout(5000);
    for (const char* table : kTables)
        CHECK(pg.scalar(std::string("SELECT count(*) FROM roomsd.") + table) ==
              queryOne(db, std::string("SELECT count(*) FROM ") + table));
}

// The README's example queries: the ```sql block of "Tables and views" (the mirror's dialect) and
// the ```postgresql block of "PostgreSQL replica", paired by their comment lines.
std::map<std::string, std::pair<std::string, std::string>> readmeQueryPairs() {
    const std::string text = readFile(sourceDir() / "README.md");
    auto block = [&](const std::string& heading, const std::string& fence) {
        auto at = text.find("\n" + heading + "\n");
        REQUIRE(at != std::string::npos);
        auto start = text.find("```" + fence + "\n", at);
        REQUIRE(start != std::string::npos);
        start = text.find('\n', start) + 1;
        return text.substr(start, text.find("```", start) - start);
    };
    auto byComment = [](const std::string& sql) {
        std::map<std::string, std::string> out;
        std::istringstream lines(sql);
        std::string comment;
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind("-- ", 0) == 0)
                comment = line;
            else if (!line.empty())
                out[comment] += line + "\n";
        }
        return out;
    };
    auto mirror = byComment(block("## Tables and views", "sql"));
    auto replica = byComment(block("## PostgreSQL replica", "postgresql"));
    std::map<std::string, std::pair<std::string, std::string>> pairs;
    for (const auto& [comment, sql] : replica)
        if (mirror.count(comment)) pairs[comment] = {mirror[comment], sql};
    return pairs;
}

// One answer cell in a form both engines agree on: timestamps to the microsecond in UTC, numbers
// as numbers (with how many decimals they were written with), everything else as is.
struct Cell {
    std::string text; // "" for a number
    std::optional<double> number;
    int decimals = 0;
    auto operator<=>(const Cell&) const = default;
};

Cell textCell(std::string text) {
    Cell c;
    c.text = std::move(text);
    return c;
}

Cell canonicalCell(const std::optional<std::string>& cell) {
    if (!cell) return textCell("NULL");
    static const std::regex pgTime(R"((\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)?\+00)");
    static const std::regex isoTime(R"((\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z)");
    std::smatch m;
    if (std::regex_match(*cell, m, pgTime) || std::regex_match(*cell, m, isoTime)) {
        std::string fraction = m[3].matched ? m[3].str().substr(1) : "";
        fraction.resize(6, '0');
        return textCell(m[1].str() + "T" + m[2].str() + "." + fraction + "Z");
    }
    static const std::regex number(R"(-?\d+(\.(\d+))?)");
    if (std::regex_match(*cell, m, number)) {
        Cell c;
        c.number = std::stod(*cell);
        c.decimals = m[2].matched ? static_cast<int>(m[2].length()) : 0;
        return c;
    }
    return textCell(*cell);
}

using Answer = std::vector<std::vector<Cell>>;

Answer canonicalAnswer(const PgRows& rows) {
    Answer out;
    for (const auto& row : rows) {
        std::vector<Cell> cells;
        for (const auto& cell : row) cells.push_back(canonicalCell(cell));
        out.push_back(std::move(cells));
    }
    std::sort(out.begin(), out.end());
    return out;
}

// "" when both answers hold the same rows. Numbers may differ by what the engines' arithmetic
// gives: SQLite's julianday differences against PostgreSQL's exact ones (0.01), and so one unit
// of a value rounded to one decimal (a round() that lands on the other side of .x5).
std::string answerDifference(const Answer& mirror, const Answer& replica) {
    if (mirror.size() != replica.size())
        return std::to_string(mirror.size()) + " rows in the mirror, " + std::to_string(replica.size()) +
               " in the replica";
    for (std::size_t i = 0; i < mirror.size(); ++i) {
        if (mirror[i].size() != replica[i].size()) return "row " + std::to_string(i) + ": not the same columns";
        for (std::size_t j = 0; j < mirror[i].size(); ++j) {
            const Cell& a = mirror[i][j];
            const Cell& b = replica[i][j];
            bool same = a.text == b.text && a.number.has_value() == b.number.has_value();
            if (same && a.number) {
                double tolerance = (a.decimals == 1 || b.decimals == 1) ? 0.1001 : 0.011;
                same = std::abs(*a.number - *b.number) <= tolerance;
            }
            if (!same)
                return "row " + std::to_string(i) + " column " + std::to_string(j) + ": mirror " +
                       (a.number ? std::to_string(*a.number) : a.text) + ", replica " +
                       (b.number ? std::to_string(*b.number) : b.text);
        }
    }
    return "";
}

PgRows sqliteAnswer(SQLite::Database& db, const std::string& sql) {
    SQLite::Statement q(db, sql);
    PgRows rows;
    while (q.executeStep()) {
        std::vector<std::optional<std::string>> row;
        for (int i = 0; i < q.getColumnCount(); ++i)
            row.push_back(q.getColumn(i).isNull() ? std::nullopt
                                                  : std::optional<std::string>(q.getColumn(i).getString()));
        rows.push_back(std::move(row));
    }
    return rows;
}

// LIMIT n dropped: with ties at the limit, either engine may pick other rows of equal rank.
std::string withoutLimit(const std::string& sql) { return std::regex_replace(sql, std::regex(R"( LIMIT \d+)"), ""); }

// The whole set-up on a live account, the replica started and past its first snapshot.
struct LiveReplica {
    SimProcess sim{liveAccount()};
    RoomsdDaemon daemon{sim, syncEverySecond()};
    PgServer pg;
    PgClient client{pg.conninfo()};
    Replica replica{daemon, pg};

    LiveReplica() {
        replica.start();
        REQUIRE(eventually([&] { return !replicaLastSeq(client).empty(); }, 30s));
    }
};

} // namespace

TEST_CASE("killed with SIGKILL at random moments and restarted, the replica ends equal to the mirror, every "
          "row and column, and its views answer the README's queries as the mirror's",
          "[replicate]") {
    LiveReplica live; // plain references, not a structured binding: Clang 14 cannot capture those in lambdas
    SimProcess& sim = live.sim;
    RoomsdDaemon& daemon = live.daemon;
    PgServer& pg = live.pg;
    PgClient& client = live.client;
    Replica& replica = live.replica;
    const std::string snapshotSeq = client.scalar("SELECT snapshot_seq FROM roomsd.replica_state");

    std::mt19937 random(20261201);
    std::uniform_int_distribution<int> pauseMs(50, 700);
    for (int kill = 0; kill < 10; ++kill) {
        std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs(random)));
        REQUIRE(replica.process().running());
        replica.process().signal(SIGKILL);
        REQUIRE(replica.process().waitFor(5s) == 128 + SIGKILL);
        if (kill == 4) { // and once, PostgreSQL itself goes down hard and comes back
            pg.stop(true);
            replica.start();
            std::this_thread::sleep_for(std::chrono::milliseconds(pauseMs(random)));
            pg.start();
            client = pg.client();
            continue;
        }
        replica.start();
    }
    quiet(sim, daemon);
    requireConverged(daemon, client, replica);
    // It resumed from its position each time: the snapshot is still the first one.
    CHECK(client.scalar("SELECT snapshot_seq FROM roomsd.replica_state") == snapshotSeq);
    CHECK(replica.process().running());

    // The views, through the README's example queries in both dialects.
    client.query("SET TIME ZONE 'UTC'");
    auto pairs = readmeQueryPairs();
    CHECK(pairs.size() == 4);
    SQLite::Database db(daemon.database().string(), SQLite::OPEN_READONLY);
    int nonEmpty = 0;
    for (const auto& [comment, queries] : pairs) {
        INFO(comment << "\nmirror: " << queries.first << "replica: " << queries.second);
        Answer mirrorAnswer = canonicalAnswer(sqliteAnswer(db, withoutLimit(queries.first)));
        Answer replicaAnswer = canonicalAnswer(client.query(withoutLimit(queries.second)));
        CHECK(answerDifference(mirrorAnswer, replicaAnswer) == "");
        if (!mirrorAnswer.empty()) ++nonEmpty;
    }
    CHECK(nonEmpty >= 3);
    // SIGTERM stops it at once, in the middle of its wait, with exit status 0.
    replica.process().signal(SIGTERM);
    CHECK(replica.process().waitFor(5s) == 0);
}

TEST_CASE("a trimmed position (410) leads roomsd-replicate to a new snapshot", "[replicate]") {
    LiveReplica live;
    SimProcess& sim = live.sim;
    RoomsdDaemon& daemon = live.daemon;
    PgClient& client = live.client;
    Replica& replica = live.replica;
    replica.process().signal(SIGTERM);
    REQUIRE(replica.process().waitFor(5s) == 0);
    std::string firstSnapshot = client.scalar("SELECT snapshot_seq FROM roomsd.replica_state");

    // While it is stopped, the consumer goes and retention trims past the replica's position
    // (written as roomsd's retention writes it, which would otherwise wait for changes.retain_count).
    HttpRequest remove;
    remove.method = "DELETE";
    remove.url = "/changes/consumers/replica";
    REQUIRE(daemon.request(remove).status == 204);
    daemon.waitForPassAfter(daemon.lastRoomsRun());
    {
        SQLite::Database db(daemon.database().string(), SQLite::OPEN_READWRITE);
        db.setBusyTimeout(10000);
        db.exec("BEGIN IMMEDIATE; UPDATE change_log_trim SET through = (SELECT max(seq) - 1 FROM change_log); "
                "DELETE FROM change_log WHERE seq <= (SELECT through FROM change_log_trim); COMMIT;");
    }
    TempDir notifyDir;
    NotifySocket systemd(notifyDir / "notify");
    replica.start(notifyDir / "notify");
    quiet(sim, daemon);
    requireConverged(daemon, client, replica);
    CHECK(std::stoll(client.scalar("SELECT snapshot_seq FROM roomsd.replica_state")) > std::stoll(firstSnapshot));
    CHECK(replica.log().find("taking a new snapshot") != std::string::npos);

    // What systemd is told: ready once it follows the feed, where it stands, and that it stops.
    // (its last status: the snapshot's, or the page's that followed it: "at seq N, 0 behind")
    CHECK(eventually([&] { return systemd.received("at seq " + replicaLastSeq(client)); }));
    long ready = systemd.find("READY=1");
    CHECK(ready >= 0);
    CHECK(systemd.find("STATUS=snapshot loaded") >= 0);
    replica.process().signal(SIGTERM);
    CHECK(replica.process().waitFor(5s) == 0);
    CHECK(eventually([&] { return systemd.received("STOPPING=1"); }));
}

TEST_CASE("a replica table someone else changed stops roomsd-replicate with exit 1 naming the table and column",
          "[replicate]") {
    SimProcess sim({"--rooms", "5", "--seed", "3"});
    RoomsdDaemon daemon(sim);
    PgServer pg;
    PgClient client = pg.client();
    client.query("CREATE SCHEMA roomsd; CREATE TABLE roomsd.room_participants (id text PRIMARY KEY, context integer)");
    Replica replica(daemon, pg);
    replica.start();
    auto exit = replica.process().waitFor(20s);
    INFO(replica.log());
    CHECK(exit == 1);
    CHECK(replica.log().find("table roomsd.room_participants: column context is integer, expected text") !=
          std::string::npos);
    CHECK(client.scalar("SELECT count(*) FROM roomsd.room_participants") == "0");
    // The connection string never reaches the log.
    CHECK(replica.log().find(pg.conninfo()) == std::string::npos);
}

TEST_CASE("the README's configuration block is config/replicate.example.yaml") {
    const std::string text = readFile(sourceDir() / "README.md");
    auto at = text.find("\n### Configure it\n");
    REQUIRE(at != std::string::npos);
    auto start = text.find("```yaml\n", at);
    REQUIRE(start != std::string::npos);
    start += 8;
    CHECK(text.substr(start, text.find("```", start) - start) ==
          readFile(sourceDir() / "config" / "replicate.example.yaml"));
}
