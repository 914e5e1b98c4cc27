// The change feed end to end with the writer's own changes: roomsd syncing telnyx-sim while its
// live activity runs, consumers following the feed (long-poll and event stream, and a roomsctl
// --follow killed and restarted at random points), each replaying into rows keyed by (kind, id)
// and ending with exactly the mirror's rows once a quiet pass is done; retention (410, and never
// past a consumer's ack); a pass over unchanged data adds nothing.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <atomic>
#include <csignal>
#include <random>
#include <sstream>
#include <thread>

#include "feed_client.hpp"
#include "support/json.hpp"
#include "support/sim_control.hpp"

using namespace roomsd::test;
namespace json = boost::json;

namespace {

void setActivity(const SimProcess& sim, const json::object& settings) {
    HttpResponse r = sim.control().request("PUT", "/_sim/activity", json::serialize(settings));
    INFO("PUT /_sim/activity -> " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
}

void applyActivity(const SimProcess& sim, int changes) {
    HttpResponse r =
        sim.control().request("POST", "/_sim/activity", json::serialize(json::object{{"changes", changes}}));
    INFO("POST /_sim/activity -> " << r.status << " " << r.body.substr(0, 300));
    REQUIRE(r.status == 200);
}

// A pass (reconcile: deletions too) that starts after this call, run to its end.
void passNow(const RoomsdDaemon& daemon, bool reconcile = true) {
    std::string before;
    bool started = eventually(
        [&] {
            before = daemon.lastRoomsRun();
            HttpResponse r = daemon.post(reconcile ? "/sync?reconcile=true" : "/sync", "");
            return r.status == 202; // 409 while the scheduler's pass runs: ask again once it ended
        },
        std::chrono::seconds(60));
    REQUIRE(started);
    daemon.waitForPassAfter(before);
}

// The activity stopped, a full pass after it: the mirror holds the account as it now is.
void quietPass(const SimProcess& sim, const RoomsdDaemon& daemon) {
    setActivity(sim, {{"interval_ms", 0}, {"every_requests", 0}});
    passNow(daemon);
}

// A consumer of GET /changes?wait: every change it saw, in order, and the rows they give.
struct Replay {
    Rows rows;
    std::vector<std::int64_t> seqs;
    std::string failure; // set by the follower thread: what went wrong
};

void follow(const RoomsdDaemon& daemon, Replay& replay, const std::atomic<std::int64_t>& until,
            std::atomic<bool>& done) {
    std::int64_t since = 0;
    for (int request = 0; request < 100000; ++request) {
        std::int64_t target = until.load();
        if (target >= 0 && since >= target) break;
        HttpResponse r = daemon.get("/changes?since=" + std::to_string(since) + "&wait=1&limit=97");
        if (r.status != 200) {
            replay.failure = "GET /changes -> " + std::to_string(r.status) + " " + r.body;
            break;
        }
        json::value page = json::parse(r.body);
        for (const auto& change : page.at("data").as_array()) {
            replay.seqs.push_back(change.at("seq").as_int64());
            applyChange(replay.rows, change.as_object());
        }
        since = page.at("meta").at("next_since").as_int64();
    }
    done = true;
}

// The same from the event stream, on one connection for the whole run.
void followStream(const RoomsdDaemon& daemon, Replay& replay, const std::atomic<std::int64_t>& until,
                  std::atomic<bool>& done) {
    for (int round = 0; round < 1000; ++round) {
        std::int64_t target = until.load();
        if (target >= 0 && !replay.seqs.empty() && replay.seqs.back() >= target) break;
        // Read what has come, resuming with Last-Event-ID as a client does after a reconnect.
        std::vector<std::string> headers;
        if (!replay.seqs.empty()) headers.push_back("Last-Event-ID: " + std::to_string(replay.seqs.back()));
        StreamRead read =
            readEvents(daemon.socket(), "/changes/stream?since=0", headers, 500, std::chrono::milliseconds(700));
        if (read.head.find("HTTP/1.1 200") != 0) {
            replay.failure = "GET /changes/stream -> " + read.head;
            break;
        }
        for (const SseEvent& e : read.events) {
            json::value change = json::parse(e.data);
            replay.seqs.push_back(change.at("seq").as_int64());
            applyChange(replay.rows, change.as_object());
        }
    }
    done = true;
}

// A simulator whose account changes by itself (`changes` every `intervalMs`), and a daemon
// syncing it every second.
std::vector<std::string> liveSimArgs(int rooms, int seed, int intervalMs, int changes) {
    return {"--rooms",
            std::to_string(rooms),
            "--seed",
            std::to_string(seed),
            "--anchor",
            "now",
            "--activity-interval-ms",
            std::to_string(intervalMs),
            "--activity-changes",
            std::to_string(changes)};
}
DaemonOptions syncingEverySecond() {
    DaemonOptions options;
    options.yaml = {{"sync", "interval_secs: 1"}};
    return options;
}

void checkContiguous(const std::vector<std::int64_t>& seqs, std::int64_t from, std::int64_t to) {
    std::vector<std::int64_t> want;
    for (std::int64_t s = from; s <= to; ++s) want.push_back(s);
    CHECK(seqs.size() == want.size());
    CHECK(seqs == want);
}

} // namespace

TEST_CASE("consumers following /changes and /changes/stream from 0 through live activity end with the mirror's rows") {
    SimProcess sim(liveSimArgs(30, 11, 150, 3));
    RoomsdDaemon daemon(sim, syncingEverySecond());

    std::atomic<std::int64_t> until{-1};
    Replay polled;
    Replay streamed;
    std::atomic<bool> polledDone{false};
    std::atomic<bool> streamedDone{false};
    std::thread poller([&] { follow(daemon, polled, until, polledDone); });
    std::thread streamer([&] { followStream(daemon, streamed, until, streamedDone); });

    // Passes run every second while the account changes; one reconcile marks deletions mid-way.
    std::this_thread::sleep_for(std::chrono::seconds(2));
    passNow(daemon);
    std::this_thread::sleep_for(std::chrono::seconds(2));
    quietPass(sim, daemon);
    std::int64_t last = lastSeq(daemon);
    until = last;
    bool caughtUp = eventually([&] { return polledDone && streamedDone; }, std::chrono::seconds(60));
    poller.join();
    streamer.join();
    REQUIRE(caughtUp);
    INFO("polled: " << polled.failure << "; streamed: " << streamed.failure);
    REQUIRE(polled.failure.empty());
    REQUIRE(streamed.failure.empty());

    Rows mirror = mirrorRows(daemon.database());
    CHECK(mirror.size() > 30);
    checkContiguous(polled.seqs, 1, last);
    checkContiguous(streamed.seqs, 1, last);
    CHECK(polled.rows.size() == mirror.size());
    CHECK(polled.rows == mirror);
    CHECK(streamed.rows == mirror);
    // What the run went through: updates, and the deletions the reconcile found.
    SQLite::Database db(daemon.database().string(), SQLite::OPEN_READONLY);
    std::int64_t updates = db.execAndGet("SELECT count(*) FROM change_log WHERE op = 'update'").getInt64();
    std::int64_t deletes = db.execAndGet("SELECT count(*) FROM change_log WHERE op = 'delete'").getInt64();
    INFO(last << " changes: " << updates << " updates, " << deletes << " deletes");
    CHECK(updates > 0);
    CHECK(deletes > 0);
    CHECK(db.execAndGet("SELECT count(*) FROM rooms WHERE deleted_at IS NOT NULL").getInt64() > 0);
}

TEST_CASE("a consumer killed and restarted at random points resumes from its ack with no gap and no duplicate") {
    SimProcess sim(liveSimArgs(25, 5, 100, 2));
    RoomsdDaemon daemon(sim, syncingEverySecond());
    HttpRequest put;
    put.method = "PUT";
    put.url = "/changes/consumers/killed";
    put.body = R"({"acked_seq":0})";
    REQUIRE(daemon.request(put).status == 201);

    std::random_device device;
    unsigned seed = device();
    INFO("seed " << seed);
    std::mt19937 random(seed);
    std::uniform_int_distribution<int> lifetimeMs(50, 600);

    TempDir dir;
    std::string roomsctl = (binDir() / "roomsctl").string();
    std::int64_t acked = 0;
    Rows rows;
    std::vector<std::int64_t> seqs;
    auto runOnce = [&](int run, bool untilStopped) {
        SpawnOptions spawn;
        spawn.stdoutPath = dir / ("out" + std::to_string(run));
        spawn.stderrPath = dir / ("err" + std::to_string(run));
        ChildProcess consumer({roomsctl, "--socket", daemon.socket().string(), "--format", "jsonl", "--timeout", "3",
                               "changes", "--since", std::to_string(acked), "--limit", "13", "--follow"},
                              spawn);
        if (untilStopped) {
            std::int64_t last = lastSeq(daemon);
            REQUIRE(eventually(
                [&] {
                    std::string out = readFile(spawn.stdoutPath);
                    return last == acked || out.find("\"seq\":" + std::to_string(last) + ",") != std::string::npos;
                },
                std::chrono::seconds(30)));
            consumer.signal(SIGTERM);
            auto status = consumer.waitFor(std::chrono::seconds(10));
            REQUIRE(status);
            CHECK(*status == 0);
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(lifetimeMs(random)));
            consumer.signal(SIGKILL);
            consumer.waitFor(std::chrono::seconds(10));
        }
        // What it printed whole is what it applied; a line cut by the kill is not.
        std::string out = readFile(spawn.stdoutPath);
        std::size_t whole = out.rfind('\n');
        std::istringstream in(whole == std::string::npos ? std::string() : out.substr(0, whole + 1));
        for (std::string line; std::getline(in, line);) {
            json::object change = parseJson(line).as_object();
            seqs.push_back(change.at("seq").as_int64());
            applyChange(rows, change);
        }
        if (!seqs.empty() && seqs.back() > acked) {
            acked = seqs.back();
            HttpResponse ack = daemon.post("/changes/consumers/killed/ack", "{\"seq\":" + std::to_string(acked) + "}",
                                           {"Content-Type: application/json"});
            REQUIRE(ack.status == 200);
        }
    };
    for (int run = 0; run < 8; ++run) runOnce(run, false);
    quietPass(sim, daemon);
    runOnce(8, true);

    std::int64_t last = lastSeq(daemon);
    checkContiguous(seqs, 1, last);
    CHECK(rows == mirrorRows(daemon.database()));
    json::value consumers = parseJson(daemon.get("/changes/consumers").body);
    CHECK(consumers.at("data").at(0).at("acked_seq").as_int64() == last);
    CHECK(consumers.at("data").at(0).at("lag").as_int64() == 0);
}

TEST_CASE("a pass over unchanged data adds nothing to the feed") {
    SimProcess sim({"--rooms", "20", "--seed", "7"});
    RoomsdDaemon daemon(sim);
    std::int64_t before = lastSeq(daemon);
    REQUIRE(before > 20); // the backfill's inserts
    passNow(daemon, false);
    passNow(daemon, true);
    CHECK(lastSeq(daemon) == before);
    // And one change upstream is one change in the feed.
    SimControl control = sim.control();
    json::object account = control.account();
    const json::value& room = account.at("rooms").as_array().at(0);
    control.mutate({{"op", "update"}, {"stream", "rooms"}, {"id", room.at("id")}, {"set", {{"max_participants", 77}}}});
    passNow(daemon, false);
    json::object page = changesPage(daemon, "since=" + std::to_string(before));
    REQUIRE(page.at("data").as_array().size() == 1);
    const json::value& change = page.at("data").at(0);
    CHECK(change.at("op") == "update");
    CHECK(change.at("row").at("max_participants").as_int64() == 77);
    std::vector<std::string> fields;
    for (const auto& f : change.at("fields").as_array()) fields.emplace_back(f.as_string());
    CHECK(std::find(fields.begin(), fields.end(), "max_participants") != fields.end());
}

TEST_CASE("retention answers 410 for what it trimmed, and never trims past a registered consumer's ack") {
    SimProcess sim({"--rooms", "150", "--seed", "3", "--anchor", "now"});
    DaemonOptions options;
    options.yaml = {{"changes", "retain_count: 1000"}};
    RoomsdDaemon daemon(sim, options);
    json::object meta = changesPage(daemon, "since=" + std::to_string(lastSeq(daemon))).at("meta").as_object();
    std::int64_t last = meta.at("last_seq").as_int64();
    std::int64_t oldest = meta.at("oldest_seq").as_int64();
    INFO("after the backfill: last " << last << ", oldest " << oldest);
    REQUIRE(last > 1000);
    CHECK(last - oldest + 1 == 1000); // the backfill's pass trimmed to the newest 1000
    HttpResponse gone = daemon.get("/changes?since=0");
    REQUIRE(gone.status == 410);
    CHECK(parseJson(gone.body).at("errors").at(0).at("meta").at("oldest_seq").as_int64() == oldest);
    CHECK(daemon.get("/changes?since=" + std::to_string(oldest - 1)).status == 200);

    // A consumer at `last`: many more changes than retain_count, and nothing after its ack goes.
    HttpRequest put;
    put.method = "PUT";
    put.url = "/changes/consumers/slow";
    REQUIRE(daemon.request(put).status == 201);
    for (int round = 0; round < 20 && lastSeq(daemon) - last <= 1200; ++round) {
        applyActivity(sim, 400);
        passNow(daemon, false);
    }
    std::int64_t later = lastSeq(daemon);
    INFO("after the activity: last " << later);
    REQUIRE(later - last > 1200);
    json::object held = changesPage(daemon, "since=" + std::to_string(last) + "&limit=1");
    CHECK(held.at("data").at(0).at("seq").as_int64() == last + 1);
    CHECK(held.at("meta").at("oldest_seq").as_int64() <= last + 1);
    CHECK(daemon.status().at("changes").at("consumers").at(0).at("lag").as_int64() == later - last);

    // Acknowledged, the next pass trims past it.
    REQUIRE(daemon
                .post("/changes/consumers/slow/ack", "{\"seq\":" + std::to_string(later) + "}",
                      {"Content-Type: application/json"})
                .status == 200);
    passNow(daemon, false);
    CHECK(daemon.get("/changes?since=" + std::to_string(last)).status == 410);
    json::object kept = changesPage(daemon, "since=" + std::to_string(later) + "&limit=1");
    CHECK(kept.at("meta").at("last_seq").as_int64() - kept.at("meta").at("oldest_seq").as_int64() + 1 == 1000);
}
