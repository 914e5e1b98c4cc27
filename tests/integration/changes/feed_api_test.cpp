// The change feed's API against a real roomsd over its real socket: pages, long-polls, the
// event stream, the snapshot, consumers, 410 and 400. These tests write change_log rows
// themselves (what the writer writes: the record's stored upstream_json, applied at its
// synced_at), after whatever the daemon's own passes logged, so they hold with or without
// the writer's changes in the log.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <csignal>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include "feed_client.hpp"
#include "support/json.hpp"

using namespace roomsd::test;
namespace json = boost::json;

namespace {

std::vector<std::string> ids(const RoomsdDaemon& daemon, const std::string& table, int n) {
    SQLite::Database db(daemon.database().string(), SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT id FROM " + table + " ORDER BY id LIMIT ?");
    q.bind(1, n);
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    REQUIRE(static_cast<int>(out.size()) == n);
    return out;
}

std::vector<std::int64_t> seqsOf(const json::array& data) {
    std::vector<std::int64_t> out;
    for (const auto& c : data) out.push_back(c.at("seq").as_int64());
    return out;
}

HttpResponse send(const RoomsdDaemon& daemon, const std::string& method, const std::string& target,
                  const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.url = target;
    r.body = body;
    if (!body.empty()) r.headers.push_back("Content-Type: application/json");
    return daemon.request(r);
}

// `n` updates of one room appended after what the log holds; the last seq before them.
std::int64_t appendRoomUpdates(const RoomsdDaemon& daemon, int n) {
    auto room = ids(daemon, "rooms", 1).front();
    std::int64_t base = lastSeq(daemon);
    for (int i = 0; i < n; ++i) appendChange(daemon.database(), "rooms", room, "update", R"(["updated_at"])");
    return base;
}

void trimThrough(const RoomsdDaemon& daemon, std::int64_t through) {
    SQLite::Database db(daemon.database().string(), SQLite::OPEN_READWRITE);
    db.setBusyTimeout(10000);
    db.exec("BEGIN IMMEDIATE");
    db.exec("DELETE FROM change_log WHERE seq <= " + std::to_string(through));
    db.exec("UPDATE change_log_trim SET through = " + std::to_string(through));
    db.exec("COMMIT");
}

} // namespace

TEST_CASE("GET /changes answers the changes after since in seq order, with the meta, as json and jsonl") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    std::int64_t base = lastSeq(daemon);
    auto rooms = ids(daemon, "rooms", 3);
    auto sessions = ids(daemon, "room_sessions", 2);
    std::int64_t s1 = appendChange(daemon.database(), "rooms", rooms[0], "insert", "");
    appendChange(daemon.database(), "room_sessions", sessions[0], "insert", "");
    appendChange(daemon.database(), "rooms", rooms[1], "update", R"(["updated_at"])");
    appendChange(daemon.database(), "room_sessions", sessions[1], "delete", R"(["deleted_at"])");
    std::int64_t s5 = appendChange(daemon.database(), "rooms", rooms[2], "restore", R"(["deleted_at"])");
    REQUIRE(s1 == base + 1);
    REQUIRE(s5 == base + 5);

    json::object page = changesPage(daemon, "since=" + std::to_string(base) + "&limit=2");
    json::array data = page.at("data").as_array();
    CHECK(seqsOf(data) == std::vector<std::int64_t>{base + 1, base + 2});
    CHECK(page.at("meta").at("since").as_int64() == base);
    CHECK(page.at("meta").at("next_since").as_int64() == base + 2);
    CHECK(page.at("meta").at("last_seq").as_int64() == base + 5);
    CHECK(page.at("meta").at("oldest_seq").as_int64() == 1);

    // A change as the contract writes it: an insert lists every key of its record.
    const json::object& insert = data[0].as_object();
    CHECK(insert.at("kind") == "rooms");
    CHECK(insert.at("id") == json::value(json::string(rooms[0])));
    CHECK(insert.at("op") == "insert");
    std::vector<std::string> keys;
    for (const auto& kv : insert.at("record").as_object()) keys.emplace_back(kv.key());
    std::sort(keys.begin(), keys.end());
    std::vector<std::string> fields;
    for (const auto& f : insert.at("fields").as_array()) fields.emplace_back(f.as_string());
    CHECK(fields == keys);
    // Its row is the mirror's row (the writer's synced_at is the change's applied_at).
    Rows mirror = mirrorRows(daemon.database());
    CHECK(insert.at("row").as_object() == mirror.at({"rooms", rooms[0]}));
    CHECK(insert.at("row").at("enable_recording").is_bool());

    // The rest, in JSON lines with the meta in headers; a delete's row has deleted_at = applied_at.
    HttpResponse lines = daemon.get("/changes?since=" + std::to_string(base + 2) + "&format=jsonl");
    REQUIRE(lines.status == 200);
    CHECK(lines.header("content-type") == "application/x-ndjson");
    CHECK(lines.header("roomsd-next-since") == std::to_string(base + 5));
    CHECK(lines.header("roomsd-last-seq") == std::to_string(base + 5));
    CHECK(lines.header("roomsd-oldest-seq") == "1");
    std::vector<json::object> changes;
    std::istringstream in(lines.body);
    for (std::string line; std::getline(in, line);) changes.push_back(parseJson(line).as_object());
    REQUIRE(changes.size() == 3);
    CHECK(changes[0].at("fields") == json::parse(R"(["updated_at"])"));
    CHECK(changes[1].at("op") == "delete");
    CHECK(changes[1].at("row").at("deleted_at") == changes[1].at("applied_at"));
    CHECK(changes[2].at("row").at("deleted_at").is_null());

    // A kind filter skips the others, and next_since is the last seq examined.
    json::object rooms_only = changesPage(daemon, "since=" + std::to_string(base) + "&kind=room_sessions");
    CHECK(seqsOf(rooms_only.at("data").as_array()) == std::vector<std::int64_t>{base + 2, base + 4});
    CHECK(rooms_only.at("meta").at("next_since").as_int64() == base + 5);

    // Past the end: nothing, and since stays where it was.
    json::object end = changesPage(daemon, "since=" + std::to_string(base + 5));
    CHECK(end.at("data").as_array().empty());
    CHECK(end.at("meta").at("next_since").as_int64() == base + 5);
}

TEST_CASE("bad parameters of the change feed answer 400 naming the parameter") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    struct Case {
        std::string target;
        std::string parameter;
    };
    for (const Case& c : std::vector<Case>{{"/changes?since=-1", "since"},
                                           {"/changes?since=abc", "since"},
                                           {"/changes?limit=0", "limit"},
                                           {"/changes?limit=10001", "limit"},
                                           {"/changes?wait=301", "wait"},
                                           {"/changes?kind=sessions", "kind"},
                                           {"/changes?format=csv", "format"},
                                           {"/changes?page=2", "page"},
                                           {"/changes/stream?limit=5", "limit"},
                                           {"/changes/snapshot?since=3", "since"}}) {
        HttpResponse r = daemon.get(c.target);
        INFO(c.target << " -> " << r.body);
        CHECK(r.status == 400);
        json::value body = parseJson(r.body);
        CHECK(body.at("errors").at(0).at("source").at("parameter") == json::value(json::string(c.parameter)));
    }
    HttpResponse eventId = daemon.get("/changes/stream", {"Last-Event-ID: x"});
    CHECK(eventId.status == 400);
    CHECK(eventId.body.find("Last-Event-ID") != std::string::npos);
    HttpResponse name = send(daemon, "PUT", "/changes/consumers/bad%20name");
    CHECK(name.status == 400);
    CHECK(parseJson(name.body).at("errors").at(0).at("source").at("parameter") == "name");
    HttpResponse method = send(daemon, "POST", "/changes");
    CHECK(method.status == 405);
    CHECK(send(daemon, "HEAD", "/changes/stream").status == 405);
}

TEST_CASE("a since older than what retention kept answers 410 with the oldest seq held") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    std::int64_t base = appendRoomUpdates(daemon, 6);
    trimThrough(daemon, base + 3);

    HttpResponse gone = daemon.get("/changes?since=" + std::to_string(base + 2));
    INFO(gone.body);
    REQUIRE(gone.status == 410);
    json::value error = parseJson(gone.body).at("errors").at(0);
    CHECK(error.at("code") == "changes_trimmed");
    CHECK(error.at("meta").at("oldest_seq").as_int64() == base + 4);
    CHECK(std::string(error.at("detail").as_string()).find("re-snapshot") != std::string::npos);
    // Both ends of what is held answer.
    json::object held = changesPage(daemon, "since=" + std::to_string(base + 3));
    CHECK(seqsOf(held.at("data").as_array()).front() == base + 4);
    CHECK(held.at("meta").at("oldest_seq").as_int64() == base + 4);
    // The stream refuses before any event, and the long-poll as well.
    CHECK(daemon.get("/changes/stream?since=0").status == 410);
    CHECK(daemon.get("/changes?since=0&wait=5").status == 410);
    // roomsctl says what to do, with the exit status of a refused request.
    RunResult ctl = run({(binDir() / "roomsctl").string(), "--socket", daemon.socket().string(), "changes"});
    INFO(ctl.err);
    CHECK(ctl.exitCode == 1);
    CHECK(ctl.err.find("snapshot") != std::string::npos);
    CHECK(ctl.err.find("--since " + std::to_string(base + 3)) != std::string::npos);
}

TEST_CASE("a long-poll answers when a change commits, and an empty page when wait runs out") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    auto rooms = ids(daemon, "rooms", 1);
    std::int64_t base = lastSeq(daemon);

    // Nothing comes: the page is empty, with its meta.
    json::object empty = changesPage(daemon, "since=" + std::to_string(base) + "&wait=1");
    CHECK(empty.at("data").as_array().empty());
    CHECK(empty.at("meta").at("last_seq").as_int64() == base);

    // A change commits while the request waits (the request is seen waiting in /metrics'
    // open connections first, so the change cannot have come before it).
    auto answer = std::async(std::launch::async,
                             [&] { return daemon.get("/changes?since=" + std::to_string(base) + "&wait=60"); });
    REQUIRE(eventually(
        [&] { return daemon.get("/metrics").body.find("\nroomsd_api_connections_open 2\n") != std::string::npos; }));
    std::int64_t seq = appendChange(daemon.database(), "rooms", rooms[0], "update", R"(["updated_at"])");
    REQUIRE(answer.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
    HttpResponse r = answer.get();
    REQUIRE(r.status == 200);
    CHECK(seqsOf(parseJson(r.body).at("data").as_array()) == std::vector<std::int64_t>{seq});

    // A kind filter keeps waiting past changes of other kinds.
    auto sessionsOnly = std::async(std::launch::async, [&] {
        return daemon.get("/changes?since=" + std::to_string(seq) + "&kind=room_sessions&wait=2");
    });
    appendChange(daemon.database(), "rooms", rooms[0], "update", R"(["updated_at"])");
    HttpResponse filtered = sessionsOnly.get();
    REQUIRE(filtered.status == 200);
    json::value page = parseJson(filtered.body);
    CHECK(page.at("data").as_array().empty());
    CHECK(page.at("meta").at("next_since").as_int64() == seq + 1);
}

TEST_CASE("a long-poll ends when its client goes and when the daemon stops") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    std::string since = std::to_string(lastSeq(daemon));
    auto waiters = [&](int n) {
        return daemon.get("/metrics").body.find("\nroomsd_changes_waiting " + std::to_string(n) + "\n") !=
               std::string::npos;
    };
    {
        // A client that gives up: its connection closes, and roomsd lets the wait go.
        HttpRequest r;
        r.url = "/changes?since=" + since + "&wait=300";
        r.timeoutMs = 500;
        HttpResponse gaveUp = daemon.request(r);
        CHECK(gaveUp.status == 0);
        CHECK(eventually([&] { return waiters(0); }));
    }
    auto waiting = std::async(std::launch::async, [&] { return daemon.get("/changes?since=" + since + "&wait=300"); });
    REQUIRE(eventually([&] { return waiters(1); }));
    CHECK(daemon.stop() == 0);
    REQUIRE(waiting.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    HttpResponse ended = waiting.get();
    INFO(ended.error << "\n" << daemon.log());
    // Answered (the empty page, or 503 shutting down), never left hanging.
    CHECK((ended.status == 200 || ended.status == 503));
}

TEST_CASE("the event stream sends each change as an event, resumes from Last-Event-ID and keeps waiting") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    auto rooms = ids(daemon, "rooms", 2);
    std::int64_t base = lastSeq(daemon);
    for (int i = 0; i < 4; ++i) appendChange(daemon.database(), "rooms", rooms[i % 2], "update", R"(["updated_at"])");

    StreamRead first = readEvents(daemon.socket(), "/changes/stream?since=" + std::to_string(base), {}, 4);
    INFO(first.head << "\n" << first.body.substr(0, 600));
    CHECK(first.head.find("HTTP/1.1 200") == 0);
    CHECK(first.head.find("text/event-stream") != std::string::npos);
    REQUIRE(first.events.size() == 4);
    for (std::size_t i = 0; i < 4; ++i) {
        CHECK(first.events[i].event == "change");
        CHECK(first.events[i].id == std::to_string(base + 1 + static_cast<std::int64_t>(i)));
        CHECK(parseJson(first.events[i].data).at("seq").as_int64() == base + 1 + static_cast<std::int64_t>(i));
    }

    // Last-Event-ID wins over since; changes committed while it streams arrive too.
    auto resumed = std::async(std::launch::async, [&] {
        return readEvents(daemon.socket(), "/changes/stream?since=0", {"Last-Event-ID: " + std::to_string(base + 2)},
                          3);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // lets it start; either order passes
    std::int64_t later = appendChange(daemon.database(), "rooms", rooms[0], "update", R"(["updated_at"])");
    StreamRead second = resumed.get();
    std::vector<std::string> got;
    for (const auto& e : second.events) got.push_back(e.id);
    CHECK(got == std::vector<std::string>{std::to_string(base + 3), std::to_string(base + 4), std::to_string(later)});

    // A stream open when the daemon stops is ended whole (its last chunk), and roomsd exits 0.
    // (The streams above are let go first, as their clients closed: then the one waiting is this one.)
    auto waiting = [&](int n) {
        return daemon.get("/metrics").body.find("\nroomsd_changes_waiting " + std::to_string(n) + "\n") !=
               std::string::npos;
    };
    REQUIRE(eventually([&] { return waiting(0); }));
    auto open = std::async(std::launch::async, [&] {
        return readEvents(daemon.socket(), "/changes/stream?since=" + std::to_string(later), {}, 1000);
    });
    REQUIRE(eventually([&] { return waiting(1); }));
    CHECK(daemon.stop() == 0);
    StreamRead ended = open.get();
    CHECK(ended.events.empty());
    CHECK(ended.lastChunk);
}

TEST_CASE("the snapshot has every row of the three tables, deleted ones too, with the seq it is consistent with") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    {
        SQLite::Database db(daemon.database().string(), SQLite::OPEN_READWRITE);
        db.setBusyTimeout(10000);
        db.exec("UPDATE room_participants SET deleted_at = synced_at WHERE rowid IN "
                "(SELECT rowid FROM room_participants LIMIT 2)");
    }
    std::int64_t seq = lastSeq(daemon);
    HttpResponse r = daemon.get("/changes/snapshot");
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/x-ndjson");
    std::vector<json::object> lines;
    std::istringstream in(r.body);
    for (std::string line; std::getline(in, line);) lines.push_back(parseJson(line).as_object());
    REQUIRE(lines.size() >= 2);
    CHECK(lines.front().at("snapshot").at("seq").as_int64() == seq);
    CHECK(lines.front().at("snapshot").at("taken_at").is_string());
    CHECK(lines.back().at("end").at("rows").as_int64() == static_cast<std::int64_t>(lines.size() - 2));

    Rows snapshot;
    std::vector<std::string> kinds;
    for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
        std::string kind(lines[i].at("kind").as_string());
        if (kinds.empty() || kinds.back() != kind) kinds.push_back(kind);
        snapshot[{kind, std::string(lines[i].at("row").at("id").as_string())}] = lines[i].at("row").as_object();
    }
    CHECK(kinds == std::vector<std::string>{"rooms", "room_sessions", "room_participants"});
    Rows mirror = mirrorRows(daemon.database());
    CHECK(snapshot.size() == mirror.size());
    CHECK(snapshot == mirror);

    HttpResponse one = daemon.get("/changes/snapshot?kind=room_sessions");
    REQUIRE(one.status == 200);
    CHECK(one.body.find("\"kind\":\"rooms\"") == std::string::npos);
    CHECK(one.body.find("\"kind\":\"room_sessions\"") != std::string::npos);
}

TEST_CASE("consumers register, acknowledge, show their lag in /status and /metrics, and go") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    std::int64_t base = appendRoomUpdates(daemon, 5);
    std::int64_t last = base + 5;

    HttpResponse fresh = send(daemon, "PUT", "/changes/consumers/warehouse.v1");
    REQUIRE(fresh.status == 201);
    CHECK(parseJson(fresh.body).at("acked_seq").as_int64() == last); // default: the current last seq
    HttpResponse again = send(daemon, "PUT", "/changes/consumers/warehouse.v1", R"({"acked_seq":0})");
    CHECK(again.status == 200);
    CHECK(parseJson(again.body).at("acked_seq").as_int64() == last); // unchanged
    HttpResponse behind =
        send(daemon, "PUT", "/changes/consumers/dash", "{\"acked_seq\":" + std::to_string(base) + "}");
    REQUIRE(behind.status == 201);
    CHECK(parseJson(behind.body).at("lag").as_int64() == 5);

    HttpResponse ack =
        send(daemon, "POST", "/changes/consumers/dash/ack", "{\"seq\":" + std::to_string(base + 3) + "}");
    REQUIRE(ack.status == 200);
    CHECK(parseJson(ack.body).at("acked_seq").as_int64() == base + 3);
    CHECK(parseJson(ack.body).at("acked_at").is_string());
    HttpResponse older =
        send(daemon, "POST", "/changes/consumers/dash/ack", "{\"seq\":" + std::to_string(base + 1) + "}");
    CHECK(older.status == 200);
    CHECK(parseJson(older.body).at("acked_seq").as_int64() == base + 3); // ignored
    HttpResponse ahead =
        send(daemon, "POST", "/changes/consumers/dash/ack", "{\"seq\":" + std::to_string(last + 1) + "}");
    CHECK(ahead.status == 400);
    CHECK(parseJson(ahead.body).at("errors").at(0).at("source").at("parameter") == "seq");
    CHECK(send(daemon, "POST", "/changes/consumers/dash/ack", "{}").status == 400);
    CHECK(send(daemon, "POST", "/changes/consumers/nobody/ack", R"({"seq":1})").status == 404);

    json::value list = parseJson(daemon.get("/changes/consumers").body);
    REQUIRE(list.at("data").as_array().size() == 2);
    CHECK(list.at("data").at(0).at("name") == "dash");
    CHECK(list.at("data").at(0).at("lag").as_int64() == 2);

    json::value status = daemon.status();
    CHECK(status.at("changes").at("last_seq").as_int64() == last);
    CHECK(status.at("changes").at("consumers").at(0).at("lag").as_int64() == 2);
    std::string metrics = daemon.get("/metrics").body;
    CHECK(metrics.find("\nroomsd_changes_last_seq " + std::to_string(last) + "\n") != std::string::npos);
    CHECK(metrics.find("\nroomsd_change_consumer_lag{consumer=\"dash\"} 2\n") != std::string::npos);
    CHECK(metrics.find("\nroomsd_change_consumer_lag{consumer=\"warehouse.v1\"} 0\n") != std::string::npos);

    RunResult table =
        run({(binDir() / "roomsctl").string(), "--socket", daemon.socket().string(), "--format", "table", "consumers"});
    CHECK(table.exitCode == 0);
    CHECK(std::regex_search(table.out, std::regex("\ndash +" + std::to_string(base + 3) + " +2 ")));

    CHECK(send(daemon, "DELETE", "/changes/consumers/dash").status == 204);
    CHECK(send(daemon, "DELETE", "/changes/consumers/dash").status == 404);
    CHECK(parseJson(daemon.get("/changes/consumers").body).at("data").as_array().size() == 1);
}

TEST_CASE("roomsctl changes prints one line per change, and --follow runs until SIGINT, then exits 0") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    auto rooms = ids(daemon, "rooms", 1);
    std::int64_t base = lastSeq(daemon);
    appendChange(daemon.database(), "rooms", rooms[0], "update", R"(["active_session_id","updated_at"])");
    std::string roomsctl = (binDir() / "roomsctl").string();
    RunResult table = run({roomsctl, "--socket", daemon.socket().string(), "--format", "table", "changes", "--since",
                           std::to_string(base)});
    INFO(table.err);
    REQUIRE(table.exitCode == 0);
    CHECK(std::regex_search(table.out, std::regex("\n" + std::to_string(base + 1) + " +[0-9T:.Z-]+ +rooms +update +" +
                                                  rooms[0] + " +active_session_id,updated_at\n")));

    TempDir dir;
    SpawnOptions options;
    options.stdoutPath = dir / "out";
    options.stderrPath = dir / "err";
    ChildProcess follow({roomsctl, "--socket", daemon.socket().string(), "--format", "jsonl", "changes", "--since",
                         std::to_string(base), "--follow"},
                        options);
    REQUIRE(eventually([&] { return readFile(dir / "out").find("\n") != std::string::npos; }));
    std::int64_t seq = appendChange(daemon.database(), "rooms", rooms[0], "update", R"(["updated_at"])");
    REQUIRE(eventually(
        [&] { return readFile(dir / "out").find("\"seq\":" + std::to_string(seq) + ",") != std::string::npos; }));
    follow.signal(SIGINT);
    auto status = follow.waitFor(std::chrono::seconds(10));
    INFO(readFile(dir / "err"));
    REQUIRE(status);
    CHECK(*status == 0);
    std::istringstream in(readFile(dir / "out"));
    std::vector<std::int64_t> seqs;
    for (std::string line; std::getline(in, line);) seqs.push_back(parseJson(line).at("seq").as_int64());
    CHECK(seqs == std::vector<std::int64_t>{base + 1, seq});
}
