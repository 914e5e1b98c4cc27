// A long pass shows how far it has got: /status sync.progress, `roomsctl status`, a log
// line every few seconds, and nothing extra from `roomsd --once` when stderr is no terminal.
#include <catch2/catch.hpp>

#include <thread>

#include "ctl_fixture.hpp"
#include "support/daemon.hpp"

using namespace roomsd::test;
namespace json = boost::json;
using namespace std::chrono_literals;

TEST_CASE("a slowed backfill shows its stream, pages, records and rate in /status and roomsctl status") {
    // 2,000 rooms at 50 a page, one request at a time, 150 ms each: the rooms pass lasts about 6 s.
    SimProcess sim({"--rooms", "2000", "--seed", "3", "--latency-ms", "150"});
    DaemonOptions options;
    options.yaml = {{"telnyx", "  page_size: 50\n  max_in_flight: 1"}};
    options.waitUntil = DaemonReady::Serving;
    RoomsdDaemon daemon(sim, options);

    json::value progress = nullptr;
    for (int i = 0; i < 200; ++i) {
        json::value status = daemon.status();
        const json::value& p = status.at("sync").at("progress");
        if (p.is_object() && p.at("stream") == "rooms" && p.at("pages_done").as_int64() >= 3) {
            progress = p;
            break;
        }
        std::this_thread::sleep_for(50ms);
    }
    INFO(daemon.log());
    REQUIRE(progress.is_object());
    CHECK(progress.at("mode") == "backfill");
    CHECK(progress.at("phase") == "listing");
    CHECK(progress.at("walk") == 1);
    CHECK(progress.at("pages_total") == 40);
    CHECK(progress.at("records").as_int64() >= 150);
    CHECK(progress.at("requests").as_int64() >= progress.at("pages_done").as_int64());
    CHECK(progress.at("records_per_second").as_double() > 0);
    CHECK(progress.at("seconds_left").as_double() > 0);

    auto shown = runRoomsctl({"--socket", daemon.socket().string(), "--format", "table", "status"});
    INFO(shown.out << shown.err);
    CHECK(shown.out.find("rooms backfill: page ") != std::string::npos);
    CHECK(shown.out.find(" of 40, ") != std::string::npos);
    CHECK(shown.out.find(" left") != std::string::npos);

    // A pass that lasts more than 5 s logs how far it has got, at most every 5 s.
    bool logged = false;
    for (int i = 0; i < 200 && !logged; ++i) {
        logged = daemon.log().find("rooms: backfill pass, walk 1: ") != std::string::npos;
        if (!logged) std::this_thread::sleep_for(50ms);
    }
    CHECK(logged);
}

TEST_CASE("between passes /status shows no pass in progress") {
    SimProcess sim;
    RoomsdDaemon daemon(sim); // every stream synced once; the next pass is an hour away
    json::value status = daemon.status();
    CHECK_FALSE(status.at("sync").at("running").as_bool());
    CHECK(status.at("sync").at("progress").is_null());
}

TEST_CASE("roomsd --once whose stderr is no terminal writes no progress line") {
    SimProcess sim({"--rooms", "300", "--seed", "3", "--latency-ms", "20"});
    RoomsdSetup roomsd(sim, {{"telnyx", "  page_size: 20\n  max_in_flight: 1"}});
    auto result = roomsd.runOnce();
    REQUIRE(result.exitCode == 0);
    CHECK(result.err.find('\r') == std::string::npos);
    CHECK(result.err.find("\033[K") == std::string::npos);
}
