// server.tcp_token_file: TCP clients must send the token; the Unix socket keeps its file mode
// as its only rule; without a token roomsd warns at start that every local user can use TCP.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <string>

#include "support/daemon.hpp"
#include "support/http.hpp"
#include "support/sim.hpp"

using namespace roomsd::test;

namespace {

std::string tcpBase(const RoomsdDaemon& daemon) {
    std::smatch m;
    std::string log = daemon.log();
    REQUIRE(std::regex_search(log, m, std::regex(R"(query API listening on tcp 127\.0\.0\.1:(\d+))")));
    return "http://127.0.0.1:" + m[1].str();
}

} // namespace

TEST_CASE("with server.tcp_token_file, a TCP client without the token gets 401 and one with it is answered") {
    SimProcess sim({"--rooms", "3", "--seed", "11"});
    TempDir keys;
    const std::string token = "tcp-token-for-the-test-0123456789";
    std::ofstream(keys / "tcp_token") << token << "\n";
    RoomsdDaemon daemon(sim,
                        serverOptions({"  tcp: 127.0.0.1:0", "  tcp_token_file: " + (keys / "tcp_token").string()}));
    std::string base = tcpBase(daemon);

    HttpResponse anonymous = get(base + "/v2/rooms");
    CHECK(anonymous.status == 401);
    CHECK(anonymous.body.find("server.tcp_token_file") != std::string::npos);
    CHECK(anonymous.body.find(token) == std::string::npos);
    CHECK(get(base + "/status", "not-the-token").status == 401);
    HttpRequest sync;
    sync.method = "POST";
    sync.url = base + "/sync";
    CHECK(send(sync).status == 401);

    HttpResponse authorized = get(base + "/v2/rooms", token);
    CHECK(authorized.status == 200);
    CHECK(authorized.body.find("\"data\"") != std::string::npos);
    // The Unix socket asks for no token: its file mode is its access rule.
    CHECK(daemon.get("/v2/rooms").status == 200);
    CHECK(daemon.log().find("has no token") == std::string::npos);
    CHECK(daemon.log().find(token) == std::string::npos);
}

TEST_CASE("without a token file, roomsd warns at start that every local user can use server.tcp") {
    SimProcess sim({"--rooms", "1", "--seed", "12"});
    RoomsdDaemon daemon(sim, serverOptions({"  tcp: 127.0.0.1:0"}));
    CHECK(get(tcpBase(daemon) + "/status").status == 200);
    CHECK(daemon.log().find("has no token: every local user can read the mirror") != std::string::npos);
}

TEST_CASE("an empty token file is refused at start, naming it") {
    SimProcess sim({"--rooms", "1", "--seed", "13"});
    TempDir dir;
    std::ofstream(dir / "empty_token") << "\n";
    auto config =
        writeDaemonConfig(dir.path(), sim, dir / "roomsd.sock",
                          serverOptions({"  tcp: 127.0.0.1:0", "  tcp_token_file: " + (dir / "empty_token").string()}));
    RunResult r = run({(binDir() / "roomsd").string(), "--config", config.string()}, roomsdEnvironment(sim.apiKey()));
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("the token from server.tcp_token_file " + (dir / "empty_token").string() + " is empty") !=
          std::string::npos);
}
