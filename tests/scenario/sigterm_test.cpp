// Signal bounds (issue 8, "What roomsd must do" 6): SIGTERM ends roomsd, the daemon and
// `--once`, within 5 s whatever it is doing: (a) waiting to retry after a 503 with Retry-After
// 30, (b) waiting out a rate-limit pause, (c) on a connection that never answers, (d) in a long
// verification (a reconcile asking for many deleted records by id, each answer slow). Exit
// status as roomsd(8) documents it: 0 for the daemon, 143 (128 + SIGTERM) for --once. The
// database stays intact.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <csignal>
#include <functional>
#include <thread>

#include "scenario/scenario.hpp"
#include "support/sim_control.hpp"

namespace json = boost::json;
using namespace roomsd::test;

namespace {

using LogCondition = std::function<bool(const SimRequestLog&)>;

// A condition that holds once any logged request satisfies `predicate`.
LogCondition anyRequest(std::function<bool(const SimRequest&)> predicate) {
    return [predicate](const SimRequestLog& log) {
        return std::any_of(log.requests.begin(), log.requests.end(), predicate);
    };
}

// Starts roomsd with `args` after --config (none: the daemon), waits until the simulator's log
// shows `condition`, lets it sit there half a second, sends SIGTERM and checks the bound, the exit
// status and the file.
std::string stopsWithin(const SimProcess& sim, const RoomsdSetup& roomsd, const std::vector<std::string>& args,
                        const LogCondition& condition, const std::function<void()>& prepare) {
    static int runs = 0;
    if (prepare) prepare();
    sim.control().clearRequestLog();
    std::filesystem::path err = roomsd.dir() / ("stderr-" + std::to_string(++runs));
    bool daemon = args.empty();
    ChildProcess child = startRoomsd(roomsd.configPath(), args, roomsd.apiKey(), err);
    std::string mode = daemon ? "daemon" : "";
    for (const auto& arg : args) mode += (mode.empty() ? "" : " ") + arg;
    INFO(mode);
    bool reached =
        eventually([&] { return condition(sim.control().requestLog()) || !child.running(); }, std::chrono::seconds(20));
    INFO("roomsd's log: " << readFile(err).substr(0, 6000));
    REQUIRE(reached);
    REQUIRE(child.running());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    REQUIRE(child.running());
    auto start = std::chrono::steady_clock::now();
    auto status = terminateWithin(child, std::chrono::seconds(5));
    std::string took = secondsSince(start);
    INFO("SIGTERM answered after " << took);
    REQUIRE(status.has_value());
    CHECK(*status == (daemon ? 0 : 128 + SIGTERM));
    CHECK(integrityCheck(roomsd.database()) == "ok");
    return mode + " exited " + std::to_string(*status) + " after " + took;
}

// --once (with `onceArgs`), then the daemon (after `prepareDaemon`), each stopped in the same place.
std::string bothModes(const SimProcess& sim, const RoomsdSetup& roomsd, const LogCondition& condition,
                      const std::vector<std::string>& onceArgs = {"--once"},
                      const std::function<void()>& prepareDaemon = {}) {
    std::string once = stopsWithin(sim, roomsd, onceArgs, condition, {});
    std::string daemon = stopsWithin(sim, roomsd, {}, condition, prepareDaemon);
    return once + "; " + daemon + "; integrity_check ok";
}

const ConfigYaml kSlowRequests{{"telnyx", "timeout_secs: 120\nmax_retries: 10"}, {"log", "level: debug"}};

} // namespace

TEST_CASE("sigterm: within 5 s during a retry wait (503, Retry-After: 30)") {
    SimProcess sim({"--rooms", "30", "--seed", "4"});
    RoomsdSetup roomsd(sim, kSlowRequests);
    sim.control().addFaults(json::array{json::object{{"path", "/v2/rooms"},
                                                     {"times", 1000},
                                                     {"kind", "status"},
                                                     {"status", 503},
                                                     {"headers", json::object{{"Retry-After", "30"}}}}});
    report("sigterm-retry", "injected",
           "every /v2/rooms answer is 503 with Retry-After: 30; SIGTERM 0.5 s after the first");
    std::string verified = bothModes(sim, roomsd, anyRequest([](const SimRequest& r) { return r.status == 503; }));
    report("sigterm-retry", "verified", verified);
}

TEST_CASE("sigterm: within 5 s during a rate-limit pause") {
    SimProcess sim({"--rooms", "300", "--seed", "4", "--rate-limit", "3", "--rate-window-secs", "60"});
    RoomsdSetup roomsd(sim, kSlowRequests);
    report("sigterm-rate-limit", "injected",
           "--rate-limit 3 per 60 s: a pause of up to a minute; SIGTERM 0.5 s after the first answer");
    // In the pause half a second after the first answer: roomsd pacing itself from the headers asks
    // for the next slot of a 60 s window; roomsd reacting to 429s has spent the 3 and been refused.
    std::string verified = bothModes(sim, roomsd, anyRequest([](const SimRequest& r) { return r.status != 0; }));
    report("sigterm-rate-limit", "verified", verified);
}

TEST_CASE("sigterm: within 5 s on a hung connection") {
    SimProcess sim({"--rooms", "30", "--seed", "4"});
    RoomsdSetup roomsd(sim, kSlowRequests);
    sim.control().addFaults(json::array{json::object{{"path", "/v2/rooms"}, {"times", 1000}, {"kind", "hang"}}});
    report("sigterm-hang", "injected",
           "every /v2/rooms request hangs (timeout_secs 120); SIGTERM 0.5 s after the first");
    std::string verified =
        bothModes(sim, roomsd, anyRequest([](const SimRequest& r) { return r.target.starts_with("/v2/rooms"); }));
    report("sigterm-hang", "verified", verified);
}

TEST_CASE("sigterm: within 5 s during a long verification of deleted records") {
    SimProcess sim({"--rooms", "300", "--seed", "4", "--latency-ms", "100"});
    RoomsdSetup roomsd(sim, kSlowRequests);
    requireRun(roomsd);
    json::object account = sim.control().account();
    const json::array& participants = account.at("room_participants").as_array();
    REQUIRE(participants.size() > 1000);
    for (std::size_t i = 0; i < 400; ++i)
        sim.control().mutate({{"op", "delete"}, {"stream", "room_participants"}, {"id", participants[i * 2].at("id")}});
    // --once --reconcile asks for one; the daemon's first pass is one when the last full pass was long
    // ago (sync.reconcile_every_hours).
    auto lastFullLongAgo = [&] {
        SQLite::Database db(roomsd.database(), SQLite::OPEN_READWRITE);
        db.exec("UPDATE sync_state SET last_full_at = '2000-01-01T00:00:00.000000Z'");
    };
    report("sigterm-verification", "injected",
           "400 participants deleted upstream, --latency-ms 100, a reconcile asking for each by id (--once "
           "--reconcile; the daemon's periodic one); SIGTERM 0.5 s into the checks");
    std::string verified = bothModes(
        sim, roomsd, anyRequest([](const SimRequest& r) { return r.target.starts_with("/v2/room_participants/"); }),
        {"--once", "--reconcile"}, lastFullLongAgo);
    report("sigterm-verification", "verified", verified);
}
