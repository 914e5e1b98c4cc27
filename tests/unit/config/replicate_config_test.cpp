// roomsd-replicate's configuration: defaults, the example file, errors that name the file,
// line and key, and where the connection string comes from (never in a message).
#include <catch2/catch.hpp>

#include "config/replicate_config.hpp"
#include "config_error_of.hpp"
#include "support/process.hpp"

using namespace roomsd;
using namespace roomsd::config;
using namespace roomsd::test;

namespace {

ReplicateConfig load(const std::string& yaml) {
    return loadReplicateConfigFromString(yaml, "replicate.yaml", "/etc/roomsd");
}

// The message of the ConfigError that loading `yaml` throws.
std::string errorOf(const std::string& yaml) { return test::configErrorOf(load, yaml); }

} // namespace

TEST_CASE("replicate: an empty file gives every default, and the example file is the defaults") {
    ReplicateConfig c = load("");
    CHECK(c.mirrorSocket == "/run/roomsd/roomsd.sock");
    CHECK_FALSE(c.conninfoFile);
    CHECK(c.schema == "roomsd");
    CHECK(c.consumer == "replica");
    CHECK(c.batch == 1000);
    CHECK(c.waitSecs == 30);
    CHECK(c.log.level == "info");
    ReplicateConfig example = loadReplicateConfig(sourceDir() / "config" / "replicate.example.yaml");
    example.sourceFile = c.sourceFile;
    CHECK(example == c);
}

TEST_CASE("replicate: every key is read, relative paths against the file's directory") {
    ReplicateConfig c = load("mirror:\n  socket: run/r.sock\npostgres:\n  conninfo_file: pg\n  schema: warehouse_1\n"
                             "consumer: bi.replica-2\nbatch: 50\nwait_secs: 0\nlog:\n  level: debug\n");
    CHECK(c.mirrorSocket == "/etc/roomsd/run/r.sock");
    CHECK(c.conninfoFile == std::filesystem::path("/etc/roomsd/pg"));
    CHECK(c.schema == "warehouse_1");
    CHECK(c.consumer == "bi.replica-2");
    CHECK(c.batch == 50);
    CHECK(c.waitSecs == 0);
    CHECK(c.log.level == "debug");
}

TEST_CASE("replicate: an unknown key, a wrong type or a bad value names the file, line and key") {
    CHECK(errorOf("\npostgres:\n  schema: roomsd\n  conninfo: x\n")
              .rfind("replicate.yaml:4: postgres.conninfo: unknown key (known keys in postgres: conninfo_file, schema)",
                     0) == 0);
    CHECK(errorOf("mirorr:\n  socket: x\n").rfind("replicate.yaml:1: mirorr: unknown section", 0) == 0);
    CHECK(errorOf("batch: many\n") == "replicate.yaml:1: batch: expected an integer, got \"many\"");
    CHECK(errorOf("batch: 0\n") == "replicate.yaml:1: batch: must be between 1 and 10000, got 0");
    CHECK(errorOf("wait_secs: 301\n") == "replicate.yaml:1: wait_secs: must be between 0 and 300, got 301");
    CHECK(errorOf("batch: 5\nbatch: 6\n") == "replicate.yaml:2: batch: key given twice");
    CHECK(errorOf("consumer: [a]\n").rfind("replicate.yaml:1: consumer: expected a string, got a list", 0) == 0);
    CHECK(errorOf("consumer: \"a b\"\n").find("consumer: must be 1 to 64 of") != std::string::npos);
    CHECK(errorOf("postgres:\n  schema: Roomsd; DROP\n").find("postgres.schema: must be a lower-case") !=
          std::string::npos);
    CHECK(errorOf("log:\n  level: loud\n").find("log.level: must be one of") != std::string::npos);
}

TEST_CASE("replicate: the connection string comes from conninfo_file or the credential, never into a message") {
    TempDir dir;
    ReplicateConfig c = load("");
    CHECK(loadConninfo(c, {}).error().message.find("set postgres.conninfo_file") != std::string::npos);

    writeFile(dir / "pg_conninfo", "  host=/run/postgresql password=S3cretPw\n");
    auto fromCredential = loadConninfo(c, {{"CREDENTIALS_DIRECTORY", dir.path().string()}});
    REQUIRE(fromCredential);
    CHECK(fromCredential->reveal() == "host=/run/postgresql password=S3cretPw");

    c.conninfoFile = dir / "missing";
    auto missing = loadConninfo(c, {{"CREDENTIALS_DIRECTORY", dir.path().string()}});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message.find("postgres.conninfo_file") != std::string::npos);

    writeFile(dir / "empty", " \n");
    c.conninfoFile = dir / "empty";
    CHECK(loadConninfo(c, {}).error().message.find("is empty") != std::string::npos);
}
