// The live demo and the README's "run it against the simulator yourself" block, run as a user
// runs them: `scripts/demo --once` on the built tree, and the block pasted whole into bash (with
// build/bin/ standing for this build's binaries). Both start the real telnyx-sim and roomsd on
// fixed loopback ports (the demo's 18765/18766, the block's 18775/18776), in files of their own
// under the source tree's build/demo and build/try.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <string>

#include "support/process.hpp"
#include "support/roomsd.hpp"

using namespace roomsd::test;

namespace {

SpawnOptions userShell() {
    SpawnOptions options = roomsdEnvironment("");
    options.unsetEnv.push_back("TELNYX_API_KEY");
    options.unsetEnv.push_back("TELNYX_SIM_API_KEY");
    return options;
}

// The README's ```sh block that follows `intro`.
std::string readmeBlockAfter(const std::string& intro) {
    std::string text = readFile(sourceDir() / "README.md");
    auto at = text.find(intro);
    REQUIRE(at != std::string::npos);
    auto start = text.find("```sh\n", at);
    REQUIRE(start != std::string::npos);
    start += 6;
    auto end = text.find("```", start);
    REQUIRE(end != std::string::npos);
    return text.substr(start, end - start);
}

} // namespace

TEST_CASE("scripts/demo --once mirrors the live account, prints status and queries, stops both and exits 0") {
    SpawnOptions options = userShell();
    options.env["ROOMSD_DEMO_PREBUILT"] = "1";
    options.env["ROOMSD_BUILD_DIR"] = binDir().parent_path().string();
    options.env["DEMO_ROOMS"] = "20";
    RunResult r = run({(sourceDir() / "scripts" / "demo").string(), "--once"}, options, std::chrono::seconds(120));
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    CHECK(r.exitCode == 0);
    CHECK(r.out.find("$ roomsctl status") != std::string::npos);
    CHECK(r.out.find("$ roomsctl rooms --page-size 3") != std::string::npos);
    // The mirror's counts once the first sync completed: 20 rooms (and, at most, the few the activity added).
    CHECK(std::regex_search(r.out, std::regex(R"(rooms +sessions +participants\n[- ]+\n +2\d +\d+ +\d+\n)")));
    // Both were stopped: the socket file is gone, and roomsd logged its clean stop.
    const auto demo = sourceDir() / "build" / "demo";
    CHECK(eventually([&] { return !std::filesystem::exists(demo / "roomsd.sock"); }));
    CHECK(readFile(demo / "daemon.log").find("stopped") != std::string::npos);
}

TEST_CASE("the README's run-it-yourself block works pasted whole and stops what it started") {
    std::string block = readmeBlockAfter("run it against the simulator yourself");
    CHECK(block.find("config/try.yaml") != std::string::npos); // its own database and socket
    block = std::regex_replace(block, std::regex("build/bin/"), binDir().string() + "/");
    const auto tryDir = sourceDir() / "build" / "try";
    // Whatever the block leaves running is named, then stopped, so a failure leaks no process.
    const std::string leftovers = "trap 'j=$(jobs -rp); if [ -n \"$j\" ]; then echo LEFT RUNNING; kill $j; fi' EXIT\n";
    RunResult r = run({"/bin/bash", "-c", leftovers + "cd '" + sourceDir().string() + "'\n" + block}, userShell(),
                      std::chrono::seconds(90));
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err << "\nroomsd:\n" << readFile(tryDir / "roomsd.log"));
    CHECK(r.exitCode == 0);
    CHECK(r.out.find("\"data\":[{") != std::string::npos);                          // curl's page of rooms over TCP
    CHECK(r.out.find("unique_name") != std::string::npos);                          // the SQL query's columns
    CHECK(std::regex_search(r.out, std::regex("page 1 of 4\\d, 2\\d\\d results"))); // roomsctl rooms, once synced
    CHECK(r.out.find("LEFT RUNNING") == std::string::npos);
    CHECK_FALSE(std::filesystem::exists(tryDir / "roomsd.sock")); // the block's last line stopped roomsd
    CHECK(readFile(tryDir / "roomsd.log").find("stopped") != std::string::npos);
}
