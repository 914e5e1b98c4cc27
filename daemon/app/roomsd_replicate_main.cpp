// roomsd-replicate: keeps a PostgreSQL schema equal to roomsd's mirror by following its
// change feed (daemon/replicate). This file only wires the parts together.
//
// Exit status: 0 stopped by SIGTERM/SIGINT, 1 a failure retrying cannot fix (a table of a
// foreign shape, a refused login, a row the replica cannot hold), 2 bad command line or
// configuration.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <stop_token>

#include "app/logging.hpp"
#include "app/signal_stopper.hpp"
#include "common/version.hpp"
#include "config/replicate_config.hpp"
#include "ctl/transport.hpp"
#include "replicate/replicator.hpp"
#include "systemd/notify.hpp"

namespace {

using namespace roomsd;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

std::map<std::string, std::string> credentialsEnvironment() {
    std::map<std::string, std::string> env;
    if (const char* dir = std::getenv("CREDENTIALS_DIRECTORY")) env["CREDENTIALS_DIRECTORY"] = dir;
    return env;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App cli{"roomsd-replicate: keeps a PostgreSQL copy of roomsd's mirror, fed by its change feed"};
    std::string configPath;
    bool checkConfig = false;
    cli.add_option("-c,--config", configPath, "configuration file (YAML)")->required();
    cli.add_flag("--check-config", checkConfig,
                 "validate the configuration and the connection string's presence, then exit");
    cli.set_version_flag("--version", std::string("roomsd-replicate ") + kVersion);
    cli.footer("Exit status: 0 stopped by a signal, 1 failure, 2 bad command line or configuration.");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = cli.exit(e);
        return code == 0 ? 0 : kExitUsage;
    }

    config::ReplicateConfig config;
    try {
        config = config::loadReplicateConfig(configPath);
    } catch (const config::ConfigError& e) {
        std::cerr << "roomsd-replicate: " << e.what() << std::endl;
        return kExitUsage;
    }
    app::setupLogging(config.log.level, "roomsd-replicate");
    auto conninfo = config::loadConninfo(config, credentialsEnvironment());
    if (!conninfo) {
        std::cerr << "roomsd-replicate: " << conninfo.error().message << std::endl;
        return kExitUsage;
    }
    if (checkConfig) {
        std::cout << "roomsd-replicate: " << configPath << ": configuration OK" << std::endl;
        return 0;
    }

    std::stop_source stop;
    app::SignalStopper stopper(stop);
    // Long enough for the long-poll: roomsd holds GET /changes up to wait_secs before it answers.
    ctl::UnixSocketTransport mirror(config.mirrorSocket.string(), std::chrono::seconds(config.waitSecs + 30));
    mirror.cancelOn(stop.get_token());
    replicate::ReplicatorOptions options{
        .schema = config.schema, .consumer = config.consumer, .batch = config.batch, .waitSecs = config.waitSecs};
    replicate::ReplicatorEvents events{
        .ready = [](const std::string& status) { systemd::notifyReady(status); },
        .status = [](const std::string& status) { systemd::notifyStatus(status); },
    };
    spdlog::info("roomsd-replicate {} starting: mirror {}, schema {}, consumer {}", kVersion,
                 config.mirrorSocket.string(), config.schema, config.consumer);
    systemd::notifyStatus("connecting");
    replicate::Replicator replicator(options, std::move(*conninfo), mirror, events);
    auto result = replicator.run(stop.get_token());
    systemd::notifyStopping();
    if (!result) {
        spdlog::error("{}", result.error().message);
        return kExitFailure;
    }
    spdlog::info("stopped");
    return 0;
}
