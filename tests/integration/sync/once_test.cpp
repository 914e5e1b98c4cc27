// roomsd --once against telnyx-sim: the real binaries, a real SQLite file.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Statement.h>

#include <boost/json.hpp>

#include <csignal>
#include <map>
#include <set>

#include "common/time.hpp"
#include "support/roomsd.hpp"
#include "support/sim.hpp"
#include "support/sim_control.hpp"

namespace json = boost::json;
using namespace roomsd;
using namespace roomsd::test;

namespace {

struct TableSpec {
    const char* table;
    const char* simKey;
    const char* nested;
    std::vector<const char*> columns;
};

const std::vector<TableSpec>& tables() {
    static const std::vector<TableSpec> specs{
        {"rooms",
         "rooms",
         "sessions",
         {"unique_name", "max_participants", "enable_recording", "webhook_event_url", "webhook_event_failover_url",
          "webhook_timeout_secs", "active_session_id", "created_at", "updated_at", "record_type"}},
        {"room_sessions",
         "room_sessions",
         "participants",
         {"room_id", "active", "created_at", "updated_at", "ended_at", "record_type"}},
        {"room_participants",
         "room_participants",
         nullptr,
         {"session_id", "context", "joined_at", "updated_at", "left_at", "record_type"}},
    };
    return specs;
}

// The SQL column value a JSON field should have become.
json::value expectedColumn(const json::value& v) {
    if (v.is_bool()) return v.as_bool() ? 1 : 0;
    return v;
}

json::value columnValue(const SQLite::Column& c) {
    if (c.isNull()) return nullptr;
    if (c.isInteger()) return c.getInt64();
    return json::string(c.getString());
}

// Checks every live row of the mirror against the simulator's account, field by field.
void requireMirrorEqualsSim(SQLite::Database& db, const SimProcess& sim) {
    json::object account = sim.control().account();
    for (const auto& spec : tables()) {
        INFO("table " << spec.table);
        std::map<std::string, json::object> expected;
        for (const auto& r : account.at(spec.simKey).as_array()) {
            json::object o = r.as_object();
            if (spec.nested) o.erase(spec.nested);
            expected[std::string(o.at("id").as_string())] = o;
        }
        std::string cols;
        for (auto* c : spec.columns) cols += std::string(", ") + c;
        SQLite::Statement q(db, "SELECT id, upstream_json" + cols + " FROM " + spec.table +
                                    " WHERE deleted_at IS NULL ORDER BY id");
        std::size_t rows = 0;
        while (q.executeStep()) {
            ++rows;
            std::string id = q.getColumn(0).getString();
            INFO("record " << id);
            auto it = expected.find(id);
            REQUIRE(it != expected.end());
            CHECK(json::parse(q.getColumn(1).getString()) == json::value(it->second));
            for (std::size_t i = 0; i < spec.columns.size(); ++i) {
                INFO("column " << spec.columns[i]);
                CHECK(columnValue(q.getColumn(static_cast<int>(i + 2))) ==
                      expectedColumn(it->second.at(spec.columns[i])));
            }
        }
        CHECK(rows == expected.size());
    }
}

std::map<std::string, std::string> syncedAtById(SQLite::Database& db, const std::string& table) {
    std::map<std::string, std::string> out;
    SQLite::Statement q(db, "SELECT id, synced_at FROM " + table);
    while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getString();
    return out;
}

// A first `roomsd --once` against `sim` with the fault rules `faults` injected: it must exit 0
// with the mirror equal to the simulator's; the mirror is returned for the counters.
SQLite::Database syncedDespite(const SimProcess& sim, const RoomsdSetup& roomsd, const std::string& faults) {
    sim.control().addFaults(json::parse(faults).as_array());
    auto result = roomsd.runOnce();
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    auto db = roomsd.open();
    requireMirrorEqualsSim(db, sim);
    return db;
}

} // namespace

TEST_CASE("a first pass mirrors the whole account, record by record") {
    SimProcess sim({"--rooms", "60", "--seed", "11"});
    RoomsdSetup roomsd(sim);
    auto result = roomsd.runOnce();
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    auto account = sim.control().account();
    CHECK(result.out == "mirror: " + std::to_string(account.at("rooms").as_array().size()) + " rooms, " +
                            std::to_string(account.at("room_sessions").as_array().size()) + " sessions, " +
                            std::to_string(account.at("room_participants").as_array().size()) + " participants\n");
    auto db = roomsd.open();
    requireMirrorEqualsSim(db, sim);
    CHECK(queryOne(db, "SELECT group_concat(mode || ':' || outcome, ',') FROM sync_runs") ==
          "backfill:ok,backfill:ok,backfill:ok");
    // Each stream counts its own records, and a first backfill reports every one of them as new.
    std::size_t rooms = account.at("rooms").as_array().size();
    std::size_t sessions = account.at("room_sessions").as_array().size();
    std::size_t participants = account.at("room_participants").as_array().size();
    CHECK(queryOne(db, "SELECT inserted FROM sync_runs WHERE stream = 'rooms'") == std::to_string(rooms));
    CHECK(queryOne(db, "SELECT embedded_written FROM sync_runs WHERE stream = 'rooms'") == "0");
    CHECK(queryOne(db, "SELECT records_seen || '/' || inserted FROM sync_runs WHERE stream = 'sessions'") ==
          std::to_string(sessions) + "/" + std::to_string(sessions));
    CHECK(queryOne(db, "SELECT records_seen || '/' || inserted FROM sync_runs WHERE stream = 'participants'") ==
          std::to_string(participants) + "/" + std::to_string(participants));
    CHECK(queryOne(db, "SELECT count(*) FROM sync_state WHERE cursor IS NOT NULL AND last_full_at IS NOT NULL") == "3");
}

TEST_CASE("a second pass over unchanged data writes no record") {
    SimProcess sim({"--rooms", "40", "--seed", "3", "--anchor", "now"});
    RoomsdSetup roomsd(sim);
    REQUIRE(roomsd.runOnce().exitCode == 0);
    std::map<std::string, std::map<std::string, std::string>> before;
    {
        auto db = roomsd.open();
        for (const auto& spec : tables()) before[spec.table] = syncedAtById(db, spec.table);
    }
    auto second = roomsd.runOnce();
    INFO(second.err);
    REQUIRE(second.exitCode == 0);
    auto db = roomsd.open();
    for (const auto& spec : tables()) CHECK(syncedAtById(db, spec.table) == before[spec.table]);
    SQLite::Statement q(db, "SELECT mode, filter_date, records_seen, inserted, updated, unchanged, outcome"
                            " FROM sync_runs WHERE id > 3 ORDER BY id");
    int rows = 0;
    while (q.executeStep()) {
        ++rows;
        CHECK(q.getColumn(0).getString() == "incremental");
        CHECK_FALSE(q.getColumn(1).isNull());
        CHECK(q.getColumn(2).getInt64() > 0);  // today's records were fetched again ...
        CHECK(q.getColumn(3).getInt64() == 0); // ... and none was written
        CHECK(q.getColumn(4).getInt64() == 0);
        CHECK(q.getColumn(5).getInt64() == q.getColumn(2).getInt64());
        CHECK(q.getColumn(6).getString() == "ok");
    }
    CHECK(rows == 3);
    requireMirrorEqualsSim(db, sim);
}

TEST_CASE("an incremental pass asks only for what changed since the cursor's day minus the lookback") {
    SimProcess sim({"--rooms", "30", "--seed", "5"}); // anchored 2026-06-01, history before it
    RoomsdSetup roomsd(sim, {{"sync", "  lookback_days: 2"}});
    REQUIRE(roomsd.runOnce().exitCode == 0);
    std::string cursor;
    {
        auto db = roomsd.open();
        cursor = queryOne(db, "SELECT cursor FROM sync_state WHERE stream = 'participants'");
    }
    sim.control().clearRequestLog();
    REQUIRE(roomsd.runOnce().exitCode == 0);
    // The cursor's date minus two days, as a date filter on every list request of that stream.
    auto cursorDate = parseDate(cursor.substr(0, 10));
    REQUIRE(cursorDate);
    std::string expected = "filter%5Bdate_updated_at%5D%5Bgte%5D=" + formatDate(addDays(*cursorDate, -2));
    int participantRequests = 0;
    for (const auto& request : sim.control().requestLog().to("/v2/room_participants?")) {
        ++participantRequests;
        CHECK(request.target.find(expected) != std::string::npos);
        CHECK(request.target.find("page%5Bsize%5D=50") != std::string::npos);
    }
    CHECK(participantRequests > 0);
}

TEST_CASE("changes upstream reach the mirror on the next pass") {
    SimProcess sim({"--rooms", "25", "--seed", "9"});
    RoomsdSetup roomsd(sim);
    REQUIRE(roomsd.runOnce().exitCode == 0);
    auto account = sim.control().account();
    std::string roomId(account.at("rooms").as_array()[3].at("id").as_string());
    std::string participantId(account.at("room_participants").as_array()[7].at("id").as_string());
    SimControl control = sim.control();
    control.mutate({{"op", "update"}, {"stream", "rooms"}, {"id", roomId}, {"set", {{"max_participants", 7}}}});
    control.mutate({{"op", "update"},
                    {"stream", "room_participants"},
                    {"id", participantId},
                    {"set", {{"context", "renamed"}}},
                    {"extra", json::object{{"future_field", json::object{{"nested", true}}}}}});
    auto created = control.mutate({{"op", "create"}, {"stream", "room_sessions"}, {"record", {{"room_id", roomId}}}});

    auto result = roomsd.runOnce();
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    auto db = roomsd.open();
    CHECK(queryOne(db, "SELECT max_participants FROM rooms WHERE id = '" + roomId + "'") == "7");
    CHECK(queryOne(db, "SELECT context FROM room_participants WHERE id = '" + participantId + "'") == "renamed");
    // A field upstream added after this roomsd was written is kept.
    CHECK(
        queryOne(db, "SELECT json_extract(upstream_json, '$.future_field.nested') FROM room_participants WHERE id = '" +
                         participantId + "'") == "1");
    std::string sessionId(created.at("id").as_string());
    CHECK(queryOne(db, "SELECT room_id FROM room_sessions WHERE id = '" + sessionId + "'") == roomId);
    requireMirrorEqualsSim(db, sim);
}

TEST_CASE("a reconcile marks records upstream deleted, and only those") {
    SimProcess sim({"--rooms", "20", "--seed", "21"});
    RoomsdSetup roomsd(sim);
    REQUIRE(roomsd.runOnce().exitCode == 0);
    auto account = sim.control().account();
    std::string roomId(account.at("rooms").as_array()[0].at("id").as_string());
    std::string participantId(account.at("room_participants").as_array()[2].at("id").as_string());
    sim.control().mutate({{"op", "delete"}, {"stream", "rooms"}, {"id", roomId}});
    sim.control().mutate({{"op", "delete"}, {"stream", "room_participants"}, {"id", participantId}});

    // An incremental pass cannot see a deletion.
    REQUIRE(roomsd.runOnce().exitCode == 0);
    {
        auto db = roomsd.open();
        CHECK(queryOne(db, "SELECT deleted_at FROM rooms WHERE id = '" + roomId + "'") == "NULL");
    }
    // Make the reconcile due, as 24 hours passing would.
    {
        SQLite::Database rw(roomsd.database(), SQLite::OPEN_READWRITE);
        rw.exec("UPDATE sync_state SET last_full_at = '2000-01-01T00:00:00Z'");
    }
    sim.control().clearRequestLog();
    auto result = roomsd.runOnce();
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    auto db = roomsd.open();
    CHECK(queryOne(db, "SELECT deleted_at IS NOT NULL FROM rooms WHERE id = '" + roomId + "'") == "1");
    CHECK(queryOne(db, "SELECT deleted_at IS NOT NULL FROM room_participants WHERE id = '" + participantId + "'") ==
          "1");
    CHECK(queryOne(db, "SELECT count(*) FROM rooms WHERE deleted_at IS NOT NULL") == "1");
    CHECK(queryOne(db, "SELECT count(*) FROM room_participants WHERE deleted_at IS NOT NULL") == "1");
    CHECK(queryOne(db, "SELECT sum(deleted) FROM sync_runs WHERE mode = 'reconcile'") == "2");
    // Only what the listing missed was asked about by id.
    std::set<std::string> byId;
    for (const auto& request : sim.control().requestLog().requests)
        if (request.target.find('?') == std::string::npos) byId.insert(request.target);
    CHECK(byId == std::set<std::string>{"/v2/rooms/" + roomId, "/v2/room_participants/" + participantId});
    requireMirrorEqualsSim(db, sim);
}

TEST_CASE("a pass walks no more pages than meta.total_pages, up to max_in_flight at a time") {
    SimProcess sim({"--rooms", "90", "--seed", "4"});
    RoomsdSetup roomsd(sim, {{"telnyx", "  max_in_flight: 3"}});
    REQUIRE(roomsd.runOnce().exitCode == 0);
    auto account = sim.control().account();
    std::size_t rooms = account.at("rooms").as_array().size();
    std::size_t expectedPages = (rooms + 49) / 50;
    std::set<std::string> roomPages;
    int roomRequests = 0;
    for (const auto& request : sim.control().requestLog().to("/v2/rooms?")) {
        const std::string& t = request.target;
        ++roomRequests;
        auto at = t.find("page%5Bnumber%5D=");
        REQUIRE(at != std::string::npos);
        roomPages.insert(t.substr(at + 17, t.find('&', at) - at - 17));
        // Sessions come from their own listing, not embedded in the rooms'.
        CHECK(t.find("include_sessions") == std::string::npos);
    }
    CHECK(static_cast<std::size_t>(roomRequests) == expectedPages);
    CHECK(roomPages.size() == expectedPages);
}

TEST_CASE("scripted 429s that are retried into success count as retries, not errors") {
    SimProcess sim({"--rooms", "60", "--seed", "8"});
    RoomsdSetup roomsd(sim, {{"telnyx", "  max_in_flight: 1"}});
    auto db = syncedDespite(sim, roomsd, R"([{"path":"/v2/rooms","page":2,"times":3,"kind":"status","status":429,
                                             "headers":{"Retry-After":"0"}}])");
    CHECK(queryOne(db, "SELECT outcome || ' retries=' || retries || ' errors=' || errors || ' requests=' || requests "
                       "FROM sync_runs WHERE stream = 'rooms'") ==
          "ok retries=3 errors=0 requests=5"); // page 1, and page 2 four times
    CHECK(queryOne(db, "SELECT sum(errors) FROM sync_runs") == "0");
}

TEST_CASE("retried server errors do not fail the pass") {
    SimProcess sim({"--rooms", "60", "--seed", "8"});
    RoomsdSetup roomsd(sim);
    auto db =
        syncedDespite(sim, roomsd, R"([{"path":"/v2/room_sessions","page":2,"times":2,"kind":"status","status":503},
                                            {"path":"/v2/rooms","page":1,"times":1,"kind":"truncate"},
                                            {"path":"/v2/room_participants","page":3,"times":1,"kind":"close"}])");
    CHECK(queryOne(db, "SELECT retries FROM sync_runs WHERE stream = 'rooms'") == "1");
    CHECK(queryOne(db, "SELECT retries FROM sync_runs WHERE stream = 'sessions'") == "2");
    // Retried into success: retries, not errors.
    CHECK(queryOne(db, "SELECT sum(errors) FROM sync_runs") == "0");
    // libcurl itself re-sends a request once when a kept-alive connection closes
    // before answering, so the "close" fault costs no retry of ours.
    CHECK(queryOne(db, "SELECT outcome FROM sync_runs WHERE stream = 'participants'") == "ok");
}

TEST_CASE("a pass that fails keeps its cursor and the pages it committed, and the next pass completes") {
    SimProcess sim({"--rooms", "60", "--seed", "12"});
    RoomsdSetup roomsd(sim, {{"telnyx", "  max_retries: 1\n  max_in_flight: 1"}});
    sim.control().addFaults(
        json::parse(R"([{"path":"/v2/room_participants","page":4,"times":100,"kind":"status","status":500,
                         "body":"{\"errors\":[{\"code\":\"99\",\"title\":\"Upstream broke\"}]}"}])")
            .as_array());
    auto failed = roomsd.runOnce();
    CHECK(failed.exitCode == 1);
    CHECK(failed.err.find("roomsd: participants: ") != std::string::npos);
    CHECK(failed.err.find("HTTP 500") != std::string::npos);
    CHECK(failed.err.find("Upstream broke") != std::string::npos);
    {
        auto db = roomsd.open();
        CHECK(queryOne(db, "SELECT cursor FROM sync_state WHERE stream = 'participants'") == "NO ROW");
        CHECK(queryOne(db, "SELECT outcome FROM sync_runs WHERE stream = 'participants'") == "failed");
        // The pages before the failing one were committed.
        CHECK(std::stoi(queryOne(db, "SELECT count(*) FROM room_participants")) >= 150);
        // The other streams completed.
        CHECK(queryOne(db, "SELECT count(*) FROM sync_state WHERE cursor IS NOT NULL") == "2");
    }
    sim.control().clearFaults();
    auto result = roomsd.runOnce();
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    auto db = roomsd.open();
    CHECK(queryOne(db, "SELECT mode FROM sync_runs WHERE stream = 'participants' ORDER BY id DESC LIMIT 1") ==
          "backfill");
    requireMirrorEqualsSim(db, sim);
}

TEST_CASE("rejected credentials stop the pass with exit status 3, and the key is never printed or stored") {
    SimProcess sim({"--rooms", "5", "--seed", "1"});
    RoomsdSetup roomsd(sim);
    std::string wrongKey = "KEY" + randomToken(29);
    auto rejected = roomsd.runOnce(wrongKey);
    CHECK(rejected.exitCode == 3);
    CHECK(rejected.err.find("rejected the API key") != std::string::npos);
    CHECK(rejected.err.find(wrongKey) == std::string::npos);
    CHECK(rejected.out.find(wrongKey) == std::string::npos);

    auto ok = roomsd.runOnce();
    REQUIRE(ok.exitCode == 0);
    for (const auto& text : {ok.out, ok.err, rejected.out, rejected.err})
        CHECK(text.find(roomsd.apiKey()) == std::string::npos);
    for (const char* suffix : {"", "-wal", "-shm"})
        CHECK(readFile(roomsd.database().string() + suffix).find(roomsd.apiKey()) == std::string::npos);
    CHECK(sim.log().find(roomsd.apiKey()) == std::string::npos);
}

TEST_CASE("command line and configuration errors exit 2 with the reason on one line") {
    SimProcess sim({"--rooms", "1"});
    RoomsdSetup roomsd(sim);
    auto noConfig = run({(binDir() / "roomsd").string(), "--once"});
    CHECK(noConfig.exitCode == 2);
    auto unknownFlag = roomsd.run({"--frobnicate"});
    CHECK(unknownFlag.exitCode == 2);

    TempDir dir;
    writeFile(dir / "bad.yaml", "telnyx:\n  page_size: 500\n");
    auto bad = run({(binDir() / "roomsd").string(), "--config", (dir / "bad.yaml").string(), "--check-config"});
    CHECK(bad.exitCode == 2);
    CHECK(bad.err ==
          "roomsd: " + (dir / "bad.yaml").string() + ":2: telnyx.page_size: must be between 1 and 250, got 500\n");

    SpawnOptions noKey;
    noKey.unsetEnv = {"TELNYX_API_KEY", "CREDENTIALS_DIRECTORY"};
    auto missingKey = run({(binDir() / "roomsd").string(), "--config", roomsd.configPath().string(), "--once"}, noKey);
    CHECK(missingKey.exitCode == 2);
    CHECK(missingKey.err.find("no Telnyx API key") != std::string::npos);

    auto check = roomsd.run({"--check-config"});
    CHECK(check.exitCode == 0);
    CHECK(check.out.find("configuration OK") != std::string::npos);

    auto version = run({(binDir() / "roomsd").string(), "--version"});
    CHECK(version.exitCode == 0);
    CHECK(version.out.rfind("roomsd ", 0) == 0);
    auto help = run({(binDir() / "roomsd").string(), "--help"});
    CHECK(help.exitCode == 0);
    CHECK(help.out.find("--once") != std::string::npos);
}

TEST_CASE("an unreachable API fails the pass with exit status 1 and a clear reason") {
    TempDir dir;
    writeFile(dir / "c.yaml",
              "telnyx:\n  base_url: http://127.0.0.1:1/v2\n  max_retries: 1\n  connect_timeout_secs: 2\n"
              "storage:\n  database: m.db\n");
    SpawnOptions options;
    options.env["TELNYX_API_KEY"] = "k" + randomToken(10);
    auto result = run({(binDir() / "roomsd").string(), "--config", (dir / "c.yaml").string(), "--once"}, options);
    CHECK(result.exitCode == 1);
    CHECK(result.err.find("roomsd: rooms: ") != std::string::npos);
}

TEST_CASE("a second roomsd on the same database is refused") {
    SimProcess sim({"--rooms", "30", "--latency-ms", "300"});
    RoomsdSetup roomsd(sim);
    ChildProcess first = roomsd.start({"--once"}, roomsd.dir() / "first.err");
    REQUIRE(
        eventually([&] { return readFile(roomsd.dir() / "first.err").find("backfill pass") != std::string::npos; }));
    auto second = roomsd.runOnce();
    CHECK(second.exitCode == 1);
    CHECK(second.err.find("another roomsd (pid " + std::to_string(first.pid()) + ")") != std::string::npos);
    CHECK(first.waitFor(std::chrono::seconds(60)) == 0);
}

TEST_CASE("a pass killed midway leaves the old cursor, and the next one converges") {
    SimProcess sim({"--rooms", "80", "--seed", "31", "--latency-ms", "40"});
    RoomsdSetup roomsd(sim, {{"telnyx", "  max_in_flight: 1"}});
    {
        ChildProcess child = roomsd.start({"--once"}, roomsd.dir() / "killed.err");
        REQUIRE(eventually([&] {
            return readFile(roomsd.dir() / "killed.err").find("sessions: backfill pass") != std::string::npos;
        }));
        child.signal(SIGKILL);
        child.waitFor(std::chrono::seconds(10));
    }
    {
        auto db = roomsd.open();
        CHECK(queryOne(db, "SELECT count(*) FROM sync_state WHERE stream = 'sessions'") == "0");
    }
    auto result = roomsd.runOnce();
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    auto db = roomsd.open();
    requireMirrorEqualsSim(db, sim);
}

TEST_CASE("SIGTERM or SIGINT during a pass stops it cleanly: cursor kept, exit status 128 + the signal") {
    int sig = GENERATE(SIGTERM, SIGINT);
    INFO("signal " << sig);
    SimProcess sim({"--rooms", "80", "--seed", "32", "--latency-ms", "100"});
    RoomsdSetup roomsd(sim, {{"telnyx", "  max_in_flight: 1"}});
    ChildProcess child = roomsd.start({"--once"}, roomsd.dir() / "stopped.err");
    REQUIRE(eventually(
        [&] { return readFile(roomsd.dir() / "stopped.err").find("rooms: backfill pass") != std::string::npos; }));
    child.signal(sig);
    auto status = child.waitFor(std::chrono::seconds(10));
    REQUIRE(status);
    CHECK(*status == 128 + sig); // 143 for SIGTERM, 130 for SIGINT (Ctrl-C), as a shell reports them
    auto db = roomsd.open();
    CHECK(queryOne(db, "SELECT outcome FROM sync_runs WHERE stream = 'rooms'") == "cancelled");
    CHECK(queryOne(db, "SELECT count(*) FROM sync_state") == "0");
}

TEST_CASE("a page that brings nothing new ends the walk, and the cursor stays") {
    SimProcess sim({"--rooms", "40", "--seed", "14"});
    RoomsdSetup roomsd(sim, {{"telnyx", "page_size: 20\nmax_in_flight: 1"}});
    REQUIRE(roomsd.runOnce().exitCode == 0);
    std::string cursorBefore;
    {
        auto db = roomsd.open();
        cursorBefore = queryOne(db, "SELECT cursor FROM sync_state WHERE stream = 'participants'");
    }
    // A server that ignores page[number]: page 2 answers page 1 again.
    auto page1 = apiGet(sim, "/room_participants?page%5Bsize%5D=20&page%5Bnumber%5D=1");
    REQUIRE(page1.status == 200);
    sim.control().addFaults(json::array{json::object{{"path", "/v2/room_participants"},
                                                     {"page", 2},
                                                     {"times", 100},
                                                     {"kind", "status"},
                                                     {"status", 200},
                                                     {"body", page1.body}}});
    sim.control().clearRequestLog();
    // A full pass, so that every page of the listing is walked.
    {
        SQLite::Database rw(roomsd.database(), SQLite::OPEN_READWRITE);
        rw.exec("UPDATE sync_state SET last_full_at = '2000-01-01T00:00:00Z'");
    }
    auto result = roomsd.runOnce();
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    CHECK(result.err.find("page 2 of") != std::string::npos);
    auto db = roomsd.open();
    CHECK(queryOne(db, "SELECT outcome FROM sync_runs WHERE stream = 'participants' ORDER BY id DESC LIMIT 1") ==
          "held");
    CHECK(queryOne(db, "SELECT cursor FROM sync_state WHERE stream = 'participants'") == cursorBefore);
    // An incomplete listing is no evidence of deletions.
    CHECK(queryOne(db, "SELECT count(*) FROM room_participants WHERE deleted_at IS NOT NULL") == "0");
    // The listing was walked again (3 walks in all, then held), and in each walk the pages after
    // the one that did not advance were not asked for, but for the one request (max_in_flight)
    // that may already have been under way.
    auto account = sim.control().account();
    REQUIRE(account.at("room_participants").as_array().size() > 100);
    auto requests = sim.control().requestLog().to("/v2/room_participants?");
    CHECK(requests.size() >= 6);
    CHECK(requests.size() <= 9);
}

TEST_CASE("an incremental listing whose records do not add up is walked again, then keeps its cursor") {
    SimProcess sim({"--rooms", "10", "--seed", "15"});
    RoomsdSetup roomsd(sim);
    REQUIRE(roomsd.runOnce().exitCode == 0);
    std::string cursorBefore;
    {
        auto db = roomsd.open();
        cursorBefore = queryOne(db, "SELECT cursor FROM sync_state WHERE stream = 'rooms'");
    }
    // Every answer claims one record more than it holds, as a listing that
    // moved under the walk would.
    auto real = apiGet(sim, "/rooms?page%5Bsize%5D=50&page%5Bnumber%5D=1&include_sessions=true");
    REQUIRE(real.status == 200);
    json::value body = json::parse(real.body);
    auto& meta = body.as_object().at("meta").as_object();
    meta["total_results"] = meta.at("total_results").as_int64() + 1;
    sim.control().addFaults(json::array{json::object{
        {"path", "/v2/rooms"}, {"times", 100}, {"kind", "status"}, {"status", 200}, {"body", json::serialize(body)}}});
    auto result = roomsd.runOnce();
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
    auto db = roomsd.open();
    CHECK(queryOne(db, "SELECT mode || ' ' || outcome || ' ' || walks FROM sync_runs WHERE stream = 'rooms' ORDER BY "
                       "id DESC LIMIT 1") == "incremental held 3");
    CHECK(queryOne(db, "SELECT cursor FROM sync_state WHERE stream = 'rooms'") == cursorBefore);
    CHECK(queryOne(db, "SELECT outcome FROM sync_runs WHERE stream = 'sessions' ORDER BY id DESC LIMIT 1") == "ok");
}
