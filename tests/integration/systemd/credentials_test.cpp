// A key the Telnyx API rejects, in daemon mode: the real roomsd keeps serving the mirror it has,
// and /status, /metrics and the systemd STATUS= line say the key was rejected and where it came
// from (here the systemd credential, which wins over TELNYX_API_KEY).
#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <string>

#include "support/daemon.hpp"
#include "support/notify_socket.hpp"
#include "support/sim.hpp"

using namespace roomsd::test;

TEST_CASE("a rejected key in daemon mode: roomsd keeps serving and says so, naming the key's source") {
    SimProcess sim({"--rooms", "3", "--seed", "31"});
    TempDir dir;
    std::filesystem::create_directories(dir / "credentials");
    const std::string wrongKey = "rejected-" + sim.apiKey();
    std::ofstream(dir / "credentials" / "api_key") << wrongKey << "\n";
    NotifySocket notify(dir / "notify.sock");
    DaemonOptions options;
    options.waitUntil = DaemonReady::Serving;
    options.env["NOTIFY_SOCKET"] = (dir / "notify.sock").string();
    options.env["CREDENTIALS_DIRECTORY"] = (dir / "credentials").string();
    RoomsdDaemon daemon(sim, options);

    const std::string source = "from the systemd credential " + (dir / "credentials" / "api_key").string();
    REQUIRE(eventually([&] {
        auto status = daemon.status();
        return status.at("telnyx").at("credentials").at("rejected").as_bool();
    }));
    auto credentials = daemon.status().at("telnyx").at("credentials");
    std::string message(credentials.at("message").as_string());
    CHECK(message.find("the Telnyx API rejected the API key " + source) != std::string::npos);
    CHECK(daemon.get("/metrics").body.find("\nroomsd_telnyx_credentials_rejected 1\n") != std::string::npos);
    REQUIRE(eventually([&] { return notify.received("STATUS=last pass with errors"); }));
    CHECK(notify.received("rejected the API key " + source));

    // Still serving the mirror (empty here), and not exiting: offline reads are the point.
    CHECK(daemon.get("/v2/rooms").status == 200);
    CHECK(daemon.process().running());
    CHECK(daemon.log().find(wrongKey) == std::string::npos);
    CHECK_FALSE(notify.received(wrongKey));
    CHECK(daemon.stop() == 0);
}
