// The telnyx-sim command line: options, exit codes, the listening line, signals,
// determinism across processes, and the API key never appearing in its output.
#include <signal.h>

#include <catch2/catch.hpp>
#include <regex>

#include "common/time.hpp"
#include "sim_client.hpp"

using namespace roomsd;
using namespace roomsd::simtest;

namespace {

std::string simBinary() { return (test::binDir() / "telnyx-sim").string(); }

test::RunResult runSim(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> argv{simBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    test::SpawnOptions options;
    options.env = env;
    options.unsetEnv = {"TELNYX_SIM_API_KEY"};
    return test::run(argv, options, std::chrono::seconds(20));
}

} // namespace

TEST_CASE("the --help flag describes the options and exits 0") {
    test::RunResult result = runSim({"--help"});
    CHECK(result.exitCode == 0);
    for (const char* option : {"--host",
                               "--port",
                               "--rooms",
                               "--seed",
                               "--anchor",
                               "--days",
                               "--api-key",
                               "--rate-limit",
                               "--rate-window-secs",
                               "--latency-ms",
                               "--no-gzip",
                               "--verbose",
                               "--version",
                               "--spec",
                               "--order",
                               "--hard-limit",
                               "--activity-every-requests",
                               "--activity-interval-ms",
                               "--activity-changes",
                               "--activity-seed",
                               "--activity-bumps-parents",
                               "--fault-seed"})
        CHECK(result.out.find(option) != std::string::npos);
}

TEST_CASE("the --version flag prints the version and exits 0") {
    test::RunResult result = runSim({"--version"});
    CHECK(result.exitCode == 0);
    CHECK(std::regex_search(result.out, std::regex(R"(telnyx-sim \d+\.\d+\.\d+)")));
}

TEST_CASE("without an API key the simulator refuses to start, exit 2") {
    test::RunResult result = runSim({"--port", "0"});
    CHECK(result.exitCode == 2);
    CHECK(result.err.find("TELNYX_SIM_API_KEY") != std::string::npos);
    CHECK(result.err.find("--api-key") != std::string::npos);
    CHECK(result.out.empty());
}

TEST_CASE("a non-loopback host, a bad option or a bad value is refused, exit 2") {
    std::map<std::string, std::string> env{{"TELNYX_SIM_API_KEY", "k"}};
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"--host", "0.0.0.0"},
             {"--host", "192.0.2.1"},
             {"--host", "example.com"},
             {"--anchor", "June"},
             {"--rooms", "-1"},
             {"--days", "0"},
             {"--port", "70000"},
             {"--frobnicate"},
         }) {
        test::RunResult result = runSim(args, env);
        INFO(args[0] << " " << (args.size() > 1 ? args[1] : "") << ": " << result.err);
        CHECK(result.exitCode == 2);
        CHECK_FALSE(result.err.empty());
        CHECK(result.out.find("listening") == std::string::npos);
    }
    test::RunResult host = runSim({"--host", "0.0.0.0"}, env);
    CHECK(host.err.find("loopback") != std::string::npos);
}

TEST_CASE("it prints exactly one line, with the real port, and stops on SIGTERM or SIGINT with 0") {
    for (int sig : {SIGTERM, SIGINT}) {
        test::SimProcess sim({"--rooms", "3"});
        // A keep-alive connection is open while it stops.
        CHECK(apiGet(sim, "/rooms").status == 200);
        sim.process().signal(sig);
        auto status = sim.process().waitFor(std::chrono::seconds(10));
        REQUIRE(status);
        CHECK(*status == 0);
    }
    test::TempDir dir;
    test::SpawnOptions options;
    options.env["TELNYX_SIM_API_KEY"] = "k";
    options.stdoutPath = dir / "out";
    test::ChildProcess child({simBinary(), "--port", "0", "--rooms", "1"}, options);
    std::smatch m;
    static const std::regex kLine(R"(^telnyx-sim listening on http://127\.0\.0\.1:(\d+)/v2\n$)");
    std::string out;
    REQUIRE(test::eventually([&] {
        out = test::readFile(dir / "out");
        return out.find('\n') != std::string::npos;
    }));
    REQUIRE(std::regex_match(out, m, kLine));
    int port = std::stoi(m[1].str());
    CHECK(port > 0);
    CHECK(test::get("http://127.0.0.1:" + std::to_string(port) + "/v2/rooms", "k").status == 200);
    CHECK(child.stop() == 0);
}

TEST_CASE("the --api-key flag works without the environment variable") {
    test::TempDir dir;
    test::SpawnOptions options;
    options.unsetEnv = {"TELNYX_SIM_API_KEY"};
    options.stdoutPath = dir / "out";
    test::ChildProcess child({simBinary(), "--port", "0", "--api-key", "flag-key", "--rooms", "2"}, options);
    std::smatch m;
    static const std::regex kPort(R"(:(\d+)/v2)");
    std::string out; // outlives the lambda: m points into it
    REQUIRE(test::eventually([&] {
        out = test::readFile(dir / "out");
        return std::regex_search(out, m, kPort);
    }));
    std::string base = "http://127.0.0.1:" + m[1].str() + "/v2";
    CHECK(test::get(base + "/rooms", "flag-key").status == 200);
    CHECK(test::get(base + "/rooms", "other").status == 401);
    CHECK(child.stop() == 0);
}

TEST_CASE("the same seed gives the same account in two processes - another seed does not") {
    test::SimProcess a({"--rooms", "25", "--seed", "77"});
    test::SimProcess b({"--rooms", "25", "--seed", "77"});
    test::SimProcess c({"--rooms", "25", "--seed", "78"});
    std::string bodyA = a.control().request("GET", "/_sim/account").body;
    CHECK(bodyA == b.control().request("GET", "/_sim/account").body);
    CHECK(bodyA != c.control().request("GET", "/_sim/account").body);
    CHECK(a.control().account().at("rooms").as_array().size() == 25);
    CHECK(apiGet(a, "/rooms?include_sessions=true").body == apiGet(b, "/rooms?include_sessions=true").body);
}

TEST_CASE("the --anchor and --days options place every timestamp in the window") {
    test::SimProcess sim({"--rooms", "30", "--anchor", "2024-02-29T12:00:00Z", "--days", "3"});
    json::object all = sim.control().account();
    Timestamp anchor = *parseTimestamp("2024-02-29T12:00:00Z");
    Timestamp earliest{anchor.micros - 3LL * 86400 * kMicrosPerSecond};
    int checked = 0;
    for (const char* stream : {"rooms", "room_sessions", "room_participants"})
        for (const auto& record : all.at(stream).as_array())
            for (const auto& field : record.as_object())
                if (field.key().ends_with("_at") && field.value().is_string()) {
                    Timestamp t = *parseTimestamp(field.value().as_string());
                    CHECK(t >= earliest);
                    CHECK(t <= anchor);
                    ++checked;
                }
    CHECK(checked > 100);
}

TEST_CASE("the --anchor now option puts the newest records near the present") {
    Timestamp start = nowUtc();
    test::SimProcess sim({"--rooms", "30", "--anchor", "now", "--days", "2"});
    Timestamp newest{0};
    json::object all = sim.control().account();
    for (const auto& room : all.at("rooms").as_array())
        newest = std::max(newest, *parseTimestamp(room.at("updated_at").as_string()));
    CHECK(newest <= nowUtc());
    CHECK(newest.micros > start.micros - 2LL * 86400 * kMicrosPerSecond);
}

TEST_CASE("the API key never appears in the simulator's output") {
    test::SimProcess sim({"--rooms", "5", "--verbose"});
    apiGet(sim, "/rooms");
    test::get(sim.baseUrl() + "/rooms?api_key=" + sim.apiKey().substr(0, 4), "wrong-key");
    test::get(sim.baseUrl() + "/rooms");
    apiGet(sim, "/rooms/nope");
    sim.control().addFaults(json::parse(R"([{"path":"/v2","kind":"status","status":503}])").as_array());
    apiGet(sim, "/rooms");
    sim.process().stop();
    std::string log = sim.log();
    CHECK(log.find("GET /v2/rooms/nope -> 404") != std::string::npos); // verbose really logs requests
    CHECK(log.find(sim.apiKey()) == std::string::npos);
    CHECK(log.find("wrong-key") == std::string::npos);

    test::RunResult help = runSim({"--api-key", "secret-from-flag", "--host", "0.0.0.0"});
    CHECK(help.exitCode == 2);
    CHECK(help.err.find("secret-from-flag") == std::string::npos);
    CHECK(help.out.find("secret-from-flag") == std::string::npos);
}

TEST_CASE("a spec the simulator cannot read makes it exit 2, naming the file and what it could not read") {
    test::TempDir dir;
    std::string text = test::readFile(test::sourceDir() / "tests/fixtures/telnyx/rooms-openapi.yaml");
    std::size_t at = text.find("style: deepObject");
    REQUIRE(at != std::string::npos);
    text.replace(at, 17, "style: spaceDelimited");
    test::writeFile(dir / "spec.yaml", text);
    std::map<std::string, std::string> env{{"TELNYX_SIM_API_KEY", "k"}};
    test::RunResult bad = runSim({"--spec", (dir / "spec.yaml").string()}, env);
    CHECK(bad.exitCode == 2);
    CHECK(bad.err.find((dir / "spec.yaml").string()) != std::string::npos);
    CHECK(bad.err.find("spaceDelimited") != std::string::npos);
    CHECK(bad.out.empty());
    test::RunResult missing = runSim({"--spec", (dir / "none.yaml").string()}, env);
    CHECK(missing.exitCode == 2);
    CHECK(missing.err.find("none.yaml") != std::string::npos);
}

TEST_CASE("an unknown --order is refused, exit 2") {
    test::RunResult result = runSim({"--order", "random"}, {{"TELNYX_SIM_API_KEY", "k"}});
    CHECK(result.exitCode == 2);
    CHECK(result.err.find("--order") != std::string::npos);
}
