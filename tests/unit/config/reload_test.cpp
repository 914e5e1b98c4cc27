// planReload: what a SIGHUP applies at once and what it keeps for the next restart, for every
// key of the example configuration (the file that lists them all).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <string>

#include "config/reload.hpp"
#include "support/process.hpp"

using namespace roomsd::config;

namespace {

Config load(const std::string& yaml) { return loadConfigFromString(yaml, "roomsd.yaml", "/etc/roomsd"); }

// "section.key" for every key of config/roomsd.example.yaml.
std::vector<std::string> exampleKeys() {
    std::ifstream in(roomsd::test::sourceDir() / "config" / "roomsd.example.yaml");
    std::vector<std::string> keys;
    std::string section;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        if (line[0] != ' ')
            section = line.substr(0, colon);
        else
            keys.push_back(section + "." +
                           line.substr(line.find_first_not_of(' '), colon - line.find_first_not_of(' ')));
    }
    return keys;
}

// A valid value other than the default, for each key.
const std::map<std::string, std::string> kOther{
    {"telnyx.base_url", "https://example.test/v2"},
    {"telnyx.api_key_file", "/etc/roomsd/key"},
    {"telnyx.page_size", "50"},
    {"telnyx.timeout_secs", "31"},
    {"telnyx.connect_timeout_secs", "11"},
    {"telnyx.max_in_flight", "2"},
    {"telnyx.max_retries", "1"},
    {"sync.interval_secs", "60"},
    {"sync.lookback_days", "3"},
    {"sync.reconcile_every_hours", "6"},
    {"storage.database", "/srv/roomsd.db"},
    {"storage.sync_runs_retention_days", "7"},
    {"server.socket", "/run/other.sock"},
    {"server.socket_mode", "\"0600\""},
    {"server.tcp", "127.0.0.1:9000"},
    {"server.tcp_token_file", "/etc/roomsd/token"},
    {"server.max_connections", "8"},
    {"server.request_timeout_secs", "5"},
    {"server.max_body_bytes", "4096"},
    {"server.sql_timeout_ms", "100"},
    {"server.sql_max_rows", "10"},
    {"server.sql_max_bytes", "65536"},
    {"server.sql_max_export_bytes", "1048576"},
    {"reports.dir", "/srv/reports"},
    {"changes.retain_days", "30"},
    {"changes.retain_count", "5000"},
    {"log.level", "debug"},
};

const std::set<std::string> kRestartOnly{
    "telnyx.base_url",    "telnyx.api_key_file",   "telnyx.timeout_secs", "telnyx.connect_timeout_secs",
    "telnyx.max_retries", "storage.database",      "server.socket",       "server.socket_mode",
    "server.tcp",         "server.tcp_token_file",
};

std::string yamlOf(const std::string& key, const std::string& value) {
    auto dot = key.find('.');
    return key.substr(0, dot) + ":\n  " + key.substr(dot + 1) + ": " + value + "\n";
}

} // namespace

TEST_CASE("each key of the configuration is either applied by a reload or named as needing a restart") {
    const Config running = load("");
    auto keys = exampleKeys();
    REQUIRE(keys.size() >= 20);
    for (const auto& key : keys) {
        INFO(key);
        auto other = kOther.find(key);
        REQUIRE(other != kOther.end()); // a new key: say here whether a reload may change it
        Config fresh = load(yamlOf(key, other->second));
        REQUIRE_FALSE(fresh == running);
        ReloadPlan plan = planReload(running, fresh);
        if (kRestartOnly.count(key) != 0) {
            CHECK(plan.changed.empty());
            REQUIRE(plan.needRestart.size() == 1);
            CHECK(plan.needRestart[0].key == key);
            CHECK(plan.needRestart[0].value == other->second); // the message shows what the file says
            CHECK(plan.applied == running);                    // the running value stays
        } else {
            REQUIRE(plan.changed.size() == 1);
            CHECK(plan.changed[0].key == key);
            CHECK(plan.changed[0].value == other->second);
            CHECK(plan.needRestart.empty());
            CHECK(plan.applied == fresh);
        }
    }
}

TEST_CASE("a reload with live and restart-only changes applies the first and keeps the second") {
    const Config running = load("telnyx:\n  page_size: 100\nserver:\n  socket: /run/a.sock\n");
    Config fresh = load("telnyx:\n  page_size: 20\n  max_in_flight: 8\nserver:\n  socket: /run/b.sock\n"
                        "  sql_max_rows: 5\n");
    ReloadPlan plan = planReload(running, fresh);
    CHECK(plan.changed == std::vector<KeyChange>{
                              {"telnyx.page_size", "20"}, {"telnyx.max_in_flight", "8"}, {"server.sql_max_rows", "5"}});
    CHECK(plan.needRestart == std::vector<KeyChange>{{"server.socket", "/run/b.sock"}});
    CHECK(plan.applied.telnyx.pageSize == 20);
    CHECK(plan.applied.telnyx.maxInFlight == 8);
    CHECK(plan.applied.server.sqlMaxRows == 5);
    CHECK(plan.applied.server.socket == "/run/a.sock");
    CHECK(planReload(running, running).changed.empty());
    CHECK(planReload(running, running).needRestart.empty());
}
