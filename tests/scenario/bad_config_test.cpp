// Bad configuration and bad credentials (issue 8, "What roomsd must do" 8): each gets one clear
// line saying what to fix: exit 2 naming the file, the line and the key for a configuration
// roomsd cannot use, exit 3 for credentials the API rejects.
#include <catch2/catch.hpp>

#include <algorithm>

#include "scenario/scenario.hpp"

using namespace roomsd::test;

namespace {

struct Broken {
    std::string what;
    std::vector<std::string> telnyxLines; // under telnyx:, after base_url (line 2): the first is line 3
    std::string mustName;                 // what the one line must contain, after "<file>:"
};

// A configuration file whose telnyx section is base_url and then `telnyxLines`.
std::filesystem::path writeConfig(const TempDir& dir, const SimProcess& sim, const std::vector<std::string>& lines) {
    std::string text = "telnyx:\n  base_url: " + sim.baseUrl() + "\n";
    for (const auto& line : lines) text += "  " + line + "\n";
    text += "storage:\n  database: " + (dir / "mirror.db").string() +
            "\nserver:\n  socket: " + (dir / "roomsd.sock").string() + "\nlog:\n  level: off\n";
    std::filesystem::path path = dir / "roomsd.yaml";
    writeFile(path, text);
    return path;
}

std::size_t lines(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("bad-config: exit 2 with one line naming file:line and key, rejected credentials exit 3") {
    SimProcess sim({"--rooms", "5", "--seed", "3"});
    TempDir dir;
    std::string missingKeyFile = (dir / "no-such-key").string();
    std::vector<Broken> cases{
        {"unknown key", {"page_size: 50", "bogus_key: 1"}, ":4: telnyx.bogus_key"},
        {"bad value", {"page_size: 500"}, ":3: telnyx.page_size: must be between 1 and 250, got 500"},
        {"wrong type", {"max_retries: many"}, ":3: telnyx.max_retries"},
        {"missing api key file", {"api_key_file: " + missingKeyFile}, "telnyx.api_key_file"},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        std::filesystem::path config = writeConfig(dir, sim, c.telnyxLines);
        RunResult r = run({(binDir() / "roomsd").string(), "--config", config.string(), "--once"},
                          roomsdEnvironment(sim.apiKey()), std::chrono::seconds(10));
        INFO("stderr: " << r.err);
        CHECK(r.exitCode == 2);
        CHECK(lines(r.err) == 1);
        std::string named = c.mustName.front() == ':' ? config.string() + c.mustName : c.mustName;
        CHECK(r.err.find(named) != std::string::npos);
        if (c.what == "missing api key file") CHECK(r.err.find(missingKeyFile) != std::string::npos);
        CHECK(r.err.rfind("roomsd: ", 0) == 0);
    }

    std::filesystem::path config = writeConfig(dir, sim, {"page_size: 50"});
    RunResult rejected = run({(binDir() / "roomsd").string(), "--config", config.string(), "--once"},
                             roomsdEnvironment("not-the-" + randomToken(8)), std::chrono::seconds(10));
    INFO("stderr: " << rejected.err);
    CHECK(rejected.exitCode == 3);
    CHECK(lines(rejected.err) == 1);
    CHECK(rejected.err.find("rejected the API key from the TELNYX_API_KEY environment variable") != std::string::npos);
    report("bad-config", "injected",
           std::to_string(cases.size()) + " broken configurations (unknown key, out-of-range value, wrong type, "
                                          "missing api_key_file) and one rejected key");
    report("bad-config", "verified",
           "each broken one exited 2 with one line naming file:line and key (or the key file); the rejected key "
           "exited 3 with one line naming its source");
}
