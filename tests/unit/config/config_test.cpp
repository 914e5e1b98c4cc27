// Config loading: defaults, every key, and errors that name the file, line and key.
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>

#include "config/config.hpp"
#include "config_error_of.hpp"
#include "support/process.hpp"

using namespace roomsd;
using namespace roomsd::config;

namespace {

Config load(const std::string& yaml) { return loadConfigFromString(yaml, "roomsd.yaml", "/etc/roomsd"); }

// The message of the ConfigError that loading `yaml` throws.
std::string errorOf(const std::string& yaml) { return test::configErrorOf(load, yaml); }

} // namespace

TEST_CASE("an empty file gives every default") {
    Config c = load("");
    CHECK(c.telnyx.baseUrl == "https://api.telnyx.com/v2");
    CHECK(c.telnyx.pageSize == 250);
    CHECK(c.telnyx.maxInFlight == 4);
    CHECK_FALSE(c.telnyx.apiKeyFile);
    CHECK(c.sync.lookbackDays == 1);
    CHECK(c.sync.reconcileEveryHours == 24);
    CHECK(c.server.socketMode == 0660);
    CHECK_FALSE(c.server.tcp);
    CHECK(c.log.level == "info");
}

TEST_CASE("every key is read, relative paths resolve against the config's directory") {
    Config c = load(R"(
telnyx:
  base_url: https://api.example.test/v2/
  api_key_file: secrets/key
  page_size: 100
  timeout_secs: 12
  connect_timeout_secs: 3
  max_in_flight: 2
  max_retries: 7
sync:
  interval_secs: 60
  lookback_days: 2
  reconcile_every_hours: 0
storage:
  database: /var/lib/roomsd/mirror.db
  sync_runs_retention_days: 7
server:
  socket: run/roomsd.sock
  socket_mode: "0600"
  tcp: 127.0.0.1:8089
  max_connections: 10
  request_timeout_secs: 5
  max_body_bytes: 4096
  sql_timeout_ms: 250
  sql_max_rows: 50
  sql_max_bytes: 65536
changes:
  retain_days: 30
  retain_count: 5000
log:
  level: debug
)");
    CHECK(c.changes.retainDays == 30);
    CHECK(c.changes.retainCount == 5000);
    CHECK(c.telnyx.baseUrl == "https://api.example.test/v2");
    CHECK(c.telnyx.apiKeyFile == std::filesystem::path("/etc/roomsd/secrets/key"));
    CHECK(c.telnyx.pageSize == 100);
    CHECK(c.telnyx.timeoutSecs == 12);
    CHECK(c.telnyx.connectTimeoutSecs == 3);
    CHECK(c.telnyx.maxInFlight == 2);
    CHECK(c.telnyx.maxRetries == 7);
    CHECK(c.sync.intervalSecs == 60);
    CHECK(c.sync.lookbackDays == 2);
    CHECK(c.sync.reconcileEveryHours == 0);
    CHECK(c.storage.database == std::filesystem::path("/var/lib/roomsd/mirror.db"));
    CHECK(c.storage.syncRunsRetentionDays == 7);
    CHECK(c.server.socket == std::filesystem::path("/etc/roomsd/run/roomsd.sock"));
    CHECK(c.server.socketMode == 0600);
    REQUIRE(c.server.tcp);
    CHECK(c.server.tcp->host == "127.0.0.1");
    CHECK(c.server.tcp->port == 8089);
    CHECK(c.server.maxConnections == 10);
    CHECK(c.server.requestTimeoutSecs == 5);
    CHECK(c.server.maxBodyBytes == 4096);
    CHECK(c.server.sqlTimeoutMs == 250);
    CHECK(c.server.sqlMaxRows == 50);
    CHECK(c.server.sqlMaxBytes == 65536);
    CHECK(c.log.level == "debug");
}

TEST_CASE("errors name the file, the line and the key") {
    CHECK(errorOf("telnyx:\n  page_size: 0\n") == "roomsd.yaml:2: telnyx.page_size: must be between 1 and 250, got 0");
    CHECK(errorOf("telnyx:\n  base_url: https://x.test\n  page_size: 251\n") ==
          "roomsd.yaml:3: telnyx.page_size: must be between 1 and 250, got 251");
    CHECK(errorOf("sync:\n  interval_secs: soon\n") ==
          "roomsd.yaml:2: sync.interval_secs: expected an integer, got \"soon\"");
    CHECK(errorOf("sync:\n  lookback_days: \"1\"\n") ==
          "roomsd.yaml:2: sync.lookback_days: expected an integer, got \"1\"");
    CHECK(errorOf("sync:\n  lookback_days: 1.5\n") ==
          "roomsd.yaml:2: sync.lookback_days: expected an integer, got \"1.5\"");
    CHECK(errorOf("sync:\n  lookback_days: [1]\n") ==
          "roomsd.yaml:2: sync.lookback_days: expected an integer, got a list");
    CHECK(errorOf("telnyx:\n  pagesize: 10\n")
              .rfind("roomsd.yaml:2: telnyx.pagesize: unknown key (known keys in telnyx: "
                     "api_key_file, base_url,",
                     0) == 0);
    CHECK(errorOf("\n\ntelnix:\n  page_size: 10\n").rfind("roomsd.yaml:3: telnix: unknown section", 0) == 0);
    CHECK(errorOf("telnyx: 5\n") == "roomsd.yaml:1: telnyx: expected a mapping of keys");
    CHECK(errorOf("- a\n- b\n").rfind("roomsd.yaml:1: the top level must be a mapping", 0) == 0);
    CHECK(errorOf("log:\n  level: loud\n") ==
          "roomsd.yaml:2: log.level: must be one of trace, debug, info, warn, error, off; got \"loud\"");
    CHECK(errorOf("storage:\n  database: \"\"\n") == "roomsd.yaml:2: storage.database: must not be empty");
}

TEST_CASE("malformed YAML is reported with its line") {
    std::string message = errorOf("telnyx:\n  page_size: 10\n   bad: [\n");
    CHECK(message.rfind("roomsd.yaml:", 0) == 0);
    CHECK(message.find("not valid YAML") != std::string::npos);
}

TEST_CASE("bytes that are not text are escaped in the error, not written to the terminal") {
    std::string message = errorOf("telnyx: \"\\\xff\x1b[31m\"\n");
    CHECK(message.find("not valid YAML") != std::string::npos);
    CHECK(message.find('\x1b') == std::string::npos);
    CHECK(message.find('\xff') == std::string::npos);
    std::string level = errorOf("log:\n  level: \"\x1b[2Jdebug\"\n");
    CHECK(level.find("log.level") != std::string::npos);
    CHECK(level.find('\x1b') == std::string::npos);
}

TEST_CASE("an unknown section or key with control bytes in its name is escaped in the error") {
    CHECK(errorOf("\"tel\\x1b[2Jnyx\": {}\n").rfind("roomsd.yaml:1: tel\\x1B[2Jnyx: unknown section", 0) == 0);
    CHECK(errorOf("ser\rver:\n  socket: /run/x.sock\n").rfind("roomsd.yaml:1: ser\\x0Dver: unknown section", 0) == 0);
    CHECK(errorOf("telnyx:\n  page\tsize: 10\n").rfind("roomsd.yaml:2: telnyx.page\\x09size: unknown key", 0) == 0);
    CHECK(errorOf("log:\n  \"lev\\u00e9l\": info\n").rfind("roomsd.yaml:2: log.lev\\xC3\\xA9l: unknown key", 0) == 0);
}

TEST_CASE("a key or section given twice is an error") {
    CHECK(errorOf("sync:\n  lookback_days: 1\n  lookback_days: 2\n") ==
          "roomsd.yaml:3: sync.lookback_days: key given twice");
}

TEST_CASE("base_url must be https, or http to loopback only, and carry no credentials") {
    CHECK(load("telnyx:\n  base_url: http://127.0.0.1:8080/v2\n").telnyx.baseUrl == "http://127.0.0.1:8080/v2");
    CHECK(load("telnyx:\n  base_url: http://localhost/v2\n").telnyx.baseUrl == "http://localhost/v2");
    CHECK(load("telnyx:\n  base_url: http://[::1]:9/v2\n").telnyx.baseUrl == "http://[::1]:9/v2");
    CHECK(errorOf("telnyx:\n  base_url: http://api.telnyx.com/v2\n").find("only allowed to a loopback host") !=
          std::string::npos);
    CHECK(errorOf("telnyx:\n  base_url: ftp://x/v2\n").find("must be an http:// or https:// URL") != std::string::npos);
    CHECK(errorOf("telnyx:\n  base_url: https://user:pw@x.test/v2\n").find("must not carry credentials") !=
          std::string::npos);
    CHECK(errorOf("telnyx:\n  base_url: https://x.test/v2?a=b\n").find("query") != std::string::npos);
    CHECK(errorOf("telnyx:\n  base_url: https:///v2\n").find("has no host") != std::string::npos);
}

TEST_CASE("server.tcp must be a loopback host:port") {
    CHECK(load("server:\n  tcp: localhost:0\n").server.tcp->host == "127.0.0.1");
    CHECK(load("server:\n  tcp: \"[::1]:8080\"\n").server.tcp->host == "::1");
    CHECK(load("server:\n  tcp: ~\n").server.tcp == std::nullopt);
    CHECK(errorOf("server:\n  tcp: 0.0.0.0:8080\n") ==
          "roomsd.yaml:2: server.tcp: must be a loopback address (127.0.0.1, ::1 or localhost), got \"0.0.0.0\": the "
          "query API has no authentication of its own");
    CHECK(errorOf("server:\n  tcp: 127.0.0.1:99999\n").find("port must be between 0 and 65535") != std::string::npos);
    CHECK(errorOf("server:\n  tcp: 127.0.0.1\n").find("expected host:port") != std::string::npos);
    CHECK(errorOf("server:\n  tcp: \"[[::1]]:8080\"\n").rfind("roomsd.yaml:2: server.tcp: must be a loopback", 0) == 0);
}

TEST_CASE("server.socket_mode is octal and keeps the owner's access") {
    CHECK(load("server:\n  socket_mode: \"0666\"\n").server.socketMode == 0666);
    CHECK(load("server:\n  socket_mode: 660\n").server.socketMode == 0660);
    CHECK(errorOf("server:\n  socket_mode: \"0999\"\n").find("expected an octal mode") != std::string::npos);
    CHECK(errorOf("server:\n  socket_mode: \"0060\"\n").find("owner") != std::string::npos);
    CHECK(errorOf(std::string("server:\n  socket: /") + std::string(120, 'a') + "\n").find("107 bytes") !=
          std::string::npos);
}

TEST_CASE("the example, demo and try configs in config/ load") {
    CHECK_NOTHROW(loadConfig(test::sourceDir() / "config/roomsd.example.yaml"));
    CHECK_NOTHROW(loadConfig(test::sourceDir() / "config/demo.yaml"));
    CHECK_NOTHROW(loadConfig(test::sourceDir() / "config/try.yaml"));
}

TEST_CASE("the example config and the README's table give every key with the default the code uses") {
    const Config defaults = load("");
    const std::string example = test::readFile(test::sourceDir() / "config/roomsd.example.yaml");
    CHECK(load(example) == defaults);

    std::set<std::string> exampleKeys;
    std::string sectionName;
    std::smatch m;
    std::istringstream lines(example);
    for (std::string line; std::getline(lines, line);) {
        if (std::regex_match(line, m, std::regex(R"(([a-z_]+):\s*)")))
            sectionName = m[1];
        else if (std::regex_search(line, m, std::regex(R"(^  ([a-z_]+):)")))
            exampleKeys.insert(sectionName + "." + m[1].str());
    }

    // | `section.key` | `default` or unset | meaning |
    const std::string readme = test::readFile(test::sourceDir() / "README.md");
    std::set<std::string> readmeKeys;
    std::regex row(R"(\n\| `([a-z_]+)\.([a-z_]+)` \| (`([^`]*)`|unset) \|)");
    for (std::sregex_iterator it(readme.begin(), readme.end(), row), end; it != end; ++it) {
        const auto& r = *it;
        readmeKeys.insert(r[1].str() + "." + r[2].str());
        std::string value = r[4].matched ? r[4].str() : "~";
        INFO(r[1] << "." << r[2] << ": " << value);
        CHECK(load(r[1].str() + ":\n  " + r[2].str() + ": " + value + "\n") == defaults);
    }
    CHECK(readmeKeys.size() >= 20);
    CHECK(readmeKeys == exampleKeys);
}

TEST_CASE("a missing config file is an error naming it") {
    try {
        loadConfig("/nonexistent/roomsd.yaml");
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()).find("cannot read /nonexistent/roomsd.yaml") != std::string::npos);
    }
}

TEST_CASE("a directory given as the config file or the key file is an error, not an empty file") {
    test::TempDir dir;
    try {
        loadConfig(dir.path());
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()).find("cannot read " + dir.path().string() + ": it is a directory") !=
              std::string::npos);
    }
    Config c = load("");
    c.telnyx.apiKeyFile = dir.path();
    auto key = loadApiKey(c, {});
    REQUIRE_FALSE(key);
    CHECK(key.error().message.find("it is a directory") != std::string::npos);
}

TEST_CASE("the API key comes from the key file, the systemd credential, or the environment, in that order") {
    test::TempDir dir;
    Config c = load("");
    c.sourceFile = "roomsd.yaml";
    std::string fileKey = "KEYfile" + test::randomToken(8);
    std::string credKey = "KEYcred" + test::randomToken(8);
    std::string envKey = "KEYenv" + test::randomToken(8);
    test::writeFile(dir / "key", fileKey + "\n");
    std::filesystem::create_directory(dir / "creds");
    test::writeFile(dir / "creds" / "api_key", credKey);

    std::map<std::string, std::string> env{{"TELNYX_API_KEY", envKey},
                                           {"CREDENTIALS_DIRECTORY", (dir / "creds").string()}};
    c.telnyx.apiKeyFile = dir / "key";
    CHECK(loadApiKey(c, env)->reveal() == fileKey);
    c.telnyx.apiKeyFile.reset();
    CHECK(loadApiKey(c, env)->reveal() == credKey);
    env.erase("CREDENTIALS_DIRECTORY");
    CHECK(loadApiKey(c, env)->reveal() == envKey);
    env.clear();
    auto none = loadApiKey(c, env);
    REQUIRE_FALSE(none);
    CHECK(none.error().kind == ErrorKind::Config);
    CHECK(none.error().message.find("TELNYX_API_KEY") != std::string::npos);
}

TEST_CASE("a bad API key is refused without being quoted") {
    test::TempDir dir;
    Config c = load("");
    std::string secret = "SECRET" + test::randomToken(12);
    test::writeFile(dir / "key", secret + "\nsecond line\n");
    c.telnyx.apiKeyFile = dir / "key";
    auto result = loadApiKey(c, {});
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("line breaks") != std::string::npos);
    CHECK(result.error().message.find(secret) == std::string::npos);

    test::writeFile(dir / "key", "   \n");
    CHECK(loadApiKey(c, {}).error().message.find("is empty") != std::string::npos);

    c.telnyx.apiKeyFile = dir / "missing";
    CHECK(loadApiKey(c, {}).error().message.find("cannot read") != std::string::npos);
}
