// roomsd: keeps a local SQLite mirror of a Telnyx account's video rooms,
// sessions and participants. This file only wires the modules together.
//
// Exit status: 0 success, 1 any other failure, 2 bad command line or
// configuration, 3 the API rejected the credentials.
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <functional>
#include <iostream>
#include <mutex>
#include <pthread.h>
#include <stop_token>
#include <thread>
#include <unistd.h>

#include "api/query_server.hpp"
#include "app/logging.hpp"
#include "app/signal_stopper.hpp"
#include "common/version.hpp"
#include "config/config.hpp"
#include "config/reload.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "store/mirror_reader.hpp"
#include "store/writer_lock.hpp"
#include "sync/scheduler.hpp"
#include "sync/sync_runner.hpp"
#include "systemd/listen.hpp"
#include "systemd/notify.hpp"
#include "telnyx/client.hpp"
#include "telnyx/curl.hpp"

namespace {

using namespace roomsd;

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitAuth = 3;

telnyx::ClientOptions clientOptions(const config::Config& c, const config::ApiKey& key) {
    telnyx::ClientOptions o;
    o.keySource = key.source;
    o.baseUrl = c.telnyx.baseUrl;
    o.timeout = std::chrono::seconds(c.telnyx.timeoutSecs);
    o.connectTimeout = std::chrono::seconds(c.telnyx.connectTimeoutSecs);
    o.maxRetries = c.telnyx.maxRetries;
    o.userAgent = std::string("roomsd/") + kVersion;
    return o;
}

sync::SyncOptions syncOptions(const config::Config& c) {
    return sync::SyncOptions{
        .pageSize = c.telnyx.pageSize,
        .maxInFlight = c.telnyx.maxInFlight,
        .lookbackDays = c.sync.lookbackDays,
        .reconcileEveryHours = c.sync.reconcileEveryHours,
        .syncRunsRetentionDays = c.storage.syncRunsRetentionDays,
        .changesRetainDays = c.changes.retainDays,
        .changesRetainCount = c.changes.retainCount,
    };
}

sync::UpstreamCounters upstreamCounters(const telnyx::ClientStatsSnapshot& s) {
    return sync::UpstreamCounters{.requests = s.requests,
                                  .retries = s.retries,
                                  .byStatus = s.byStatus,
                                  .rateLimitRemaining = s.rateLimitRemaining};
}

// On a terminal, a live line on stderr with the pass in progress, redrawn twice a second and
// cleared at the end; nothing at all when stderr is not a terminal (a pipe, a file, the journal).
class TerminalProgress {
public:
    explicit TerminalProgress(const sync::PassProgress& progress) {
        if (isatty(STDERR_FILENO) == 0) return;
        thread_ = std::jthread([&progress](std::stop_token stop) {
            std::mutex mutex;
            std::condition_variable_any tick;
            std::unique_lock lock(mutex);
            while (!tick.wait_for(lock, stop, std::chrono::milliseconds(500), [] { return false; })) {
                auto p = progress.snapshot(nowUtc());
                if (!p) continue;
                std::string line =
                    p->stream + " " + std::string(store::toString(p->mode)) +
                    (p->walk > 1 ? ", walk " + std::to_string(p->walk) : std::string()) + ": page " +
                    std::to_string(p->pagesDone) +
                    (p->pagesTotal >= 0 ? " of " + std::to_string(p->pagesTotal) : std::string()) + ", " +
                    std::to_string(p->records) + " records, " +
                    std::to_string(static_cast<long long>(p->recordsPerSecond)) + "/s" +
                    (p->secondsLeft ? ", about " + std::to_string(static_cast<long long>(*p->secondsLeft)) + "s left"
                                    : std::string());
                std::cerr << "\r\033[K" << line << std::flush;
            }
            std::cerr << "\r\033[K" << std::flush;
        });
    }

private:
    std::jthread thread_;
};

int runOnce(const config::Config& config, const config::ApiKey& key, sync::RunRequest request) {
    telnyx::CurlGlobal curl;
    store::WriterLock lock(config.storage.database);
    auto db = store::openWriter(config.storage.database);
    telnyx::TelnyxClient client(clientOptions(config, key), key.key);
    sync::SyncRunner runner(syncOptions(config), client, db);
    std::stop_source stop;
    app::SignalStopper stopper(stop);
    sync::RunSummary summary;
    {
        TerminalProgress live(runner.progress());
        summary = runner.runOnce(stop.get_token(), request);
    }

    std::int64_t counts[3] = {0, 0, 0};
    int i = 0;
    for (const model::RecordSchema* schema : model::allSchemas()) {
        counts[i++] = db.execAndGet(store::liveCountSql(schema->table)).getInt64();
    }
    std::cout << "mirror: " << counts[0] << " rooms, " << counts[1] << " sessions, " << counts[2] << " participants"
              << std::endl;
    if (auto error = summary.firstError()) {
        std::string stream;
        for (const auto& p : summary.passes)
            if (p.error && p.error->message == error->message) stream = p.run.stream + ": ";
        std::cerr << "roomsd: " << stream << error->message << std::endl;
    }
    // Stopped by a signal: the shell's convention, 128 + its number (130 SIGINT, 143 SIGTERM).
    if (int sig = stopper.received(); sig != 0) return 128 + sig;
    if (auto error = summary.firstError()) return error->kind == ErrorKind::Auth ? kExitAuth : kExitFailure;
    return 0;
}

// Daemon mode: a pass of every stream now and then every sync.interval_secs,
// the query API the whole time. SIGINT/SIGTERM: the pass in flight is stopped
// (its page committed or rolled back), the API finishes what it answers and
// removes its socket, and roomsd exits 0. A second signal stops at once.
// Pings the systemd watchdog from the event loop, so a loop that stops turning
// gets the service restarted; does nothing when the watchdog is off.
class Watchdog {
public:
    explicit Watchdog(boost::asio::io_context& io) : timer_(io), interval_(systemd::watchdogPingInterval()) {
        if (interval_) ping();
    }
    void stop() { timer_.cancel(); }

private:
    void ping() {
        systemd::notifyWatchdog();
        timer_.expires_after(*interval_);
        timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec) ping();
        });
    }

    boost::asio::steady_timer timer_;
    std::optional<std::chrono::microseconds> interval_;
};

// The one-line status systemd shows after a pass: "last pass ok at ...: rooms ok (2 new), ...".
std::string statusLine(const sync::RunSummary& summary) {
    std::string line = "last pass " + std::string(summary.allSucceeded() ? "ok" : "with errors");
    if (!summary.passes.empty()) line += " at " + formatTimestamp(summary.passes.back().run.finishedAt);
    line += ":";
    for (const auto& pass : summary.passes) {
        const store::RunCounters& n = pass.run.counters;
        line += " " + pass.run.stream + " " + std::string(store::toString(pass.run.outcome)) + " (" +
                std::to_string(n.inserted) + " new, " + std::to_string(n.updated) + " updated, " +
                std::to_string(n.deleted) + " deleted)";
    }
    if (auto error = summary.firstError()) line += "; " + error->message;
    return line;
}

// What a reload reaches: each part that holds configuration it can take while running.
struct Reloadable {
    sync::SyncScheduler& scheduler;
    sync::SyncRunner& runner;
    api::QueryServer& server;
};

// SIGHUP: reads the configuration file again and applies what can change while roomsd runs
// (config/reload.hpp: log.level at once, intervals and page size from the next pass, limits from
// the next request); a changed key that needs a restart is named and keeps its running value.
// A file that does not load or validate is refused with its file:line, and the running
// configuration stays. systemd sees RELOADING=1, then READY=1.
void reload(config::Config& running, const Reloadable& parts) {
    systemd::notifyReloading();
    spdlog::info("received SIGHUP, reloading {}", running.sourceFile.string());
    config::Config fresh;
    try {
        fresh = config::loadConfig(running.sourceFile);
    } catch (const config::ConfigError& e) {
        spdlog::error("reload refused, the running configuration stays: {}", e.what());
        systemd::notifyReady(std::string("reload refused, the running configuration stays: ") + e.what());
        return;
    }
    config::ReloadPlan plan = config::planReload(running, fresh);
    const config::Config& applied = plan.applied;
    if (applied.log.level != running.log.level) app::setLogLevel(applied.log.level);
    if (applied.sync.intervalSecs != running.sync.intervalSecs)
        parts.scheduler.setInterval(std::chrono::seconds(applied.sync.intervalSecs));
    parts.runner.setOptions(syncOptions(applied));
    parts.server.reload(applied);
    running = applied;
    for (const auto& c : plan.changed) spdlog::info("reload: {} is now {}", c.key, c.value);
    for (const auto& c : plan.needRestart)
        spdlog::warn("reload: {} {} needs a restart (systemctl restart roomsd); until then it keeps its running value",
                     c.key, c.value);
    std::string summary = plan.changed.empty() ? "configuration reloaded, nothing changed" : "configuration reloaded";
    if (!plan.needRestart.empty()) summary += "; " + std::to_string(plan.needRestart.size()) + " key(s) need a restart";
    systemd::notifyReady(summary);
}

int runDaemon(const config::Config& config, const config::ApiKey& key, const std::optional<Secret>& tcpToken) {
    // Sockets from roomsd.socket (or systemd-socket-activate), taken before any thread starts.
    auto activated = systemd::takeActivatedSockets(config.server.socket, config.server.tcp.has_value());
    if (!activated) {
        std::cerr << "roomsd: " << activated.error().message << std::endl;
        return kExitUsage;
    }
    telnyx::CurlGlobal curl;
    store::WriterLock lock(config.storage.database);
    auto db = store::openWriter(config.storage.database);
    boost::asio::io_context io;
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    telnyx::TelnyxClient client(clientOptions(config, key), key.key);
    sync::SyncRunner runner(syncOptions(config), client, db);
    sync::SyncScheduler scheduler(
        io, std::chrono::seconds(config.sync.intervalSecs),
        [&runner](std::stop_token stop, sync::RunRequest request) { return runner.runOnce(stop, request); },
        [&client] { return upstreamCounters(client.stats()); });
    scheduler.setProgressSource([&runner] { return runner.progress().snapshot(nowUtc()); });
    api::QueryServer server(io, config, scheduler);
    if (tcpToken) server.requireTcpToken(*tcpToken);
    try {
        server.start({activated->unixFd, activated->tcpFd}); // before the first pass: the API answers while it runs
    } catch (const api::ServerError& e) {
        std::cerr << "roomsd: " << e.what() << std::endl;
        return kExitFailure;
    }

    // SIGHUP is handled before READY=1: a reload systemd sends at once must not kill roomsd.
    // What SIGHUP compares a reloaded file with: a copy, so the modules' own never changes under them.
    config::Config applied = config;
    boost::asio::signal_set hangups(io, SIGHUP);
    std::function<void()> awaitHangup = [&] {
        hangups.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) return;
            reload(applied, Reloadable{scheduler, runner, server});
            awaitHangup();
        });
    };
    awaitHangup();
    systemd::notifyReady("serving queries; first sync pass running");
    Watchdog watchdog(io);
    scheduler.onPassFinished([](const sync::RunSummary& summary) { systemd::notifyStatus(statusLine(summary)); });

    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        spdlog::info("received {}, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
        systemd::notifyStopping();
        watchdog.stop();
        hangups.cancel();
        scheduler.stop([&] { server.stop([&] { io.stop(); }); });
        signals.async_wait([&](const boost::system::error_code& again, int) {
            if (again) return;
            spdlog::warn("received a second signal, stopping now");
            io.stop();
        });
    });
    scheduler.start();
    // No handler may throw (each catches what it can meet); one that does anyway is a bug,
    // logged here, and the loop goes on so that the mirror keeps being served.
    for (int escaped = 0;; ++escaped) {
        try {
            io.run();
            break;
        } catch (const std::exception& e) {
            spdlog::critical("an event-loop handler threw (a bug; roomsd goes on): {}", e.what());
        } catch (...) {
            spdlog::critical("an event-loop handler threw a non-exception (a bug; roomsd goes on)");
        }
        if (escaped >= 100) {
            spdlog::critical("too many exceptions escaped the event loop; stopping");
            return kExitFailure;
        }
    }
    spdlog::info("stopped");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App cli{"roomsd: a local SQLite mirror of a Telnyx account's video rooms, sessions and participants"};
    std::string configPath;
    bool once = false;
    bool checkConfig = false;
    cli.add_option("-c,--config", configPath, "configuration file (YAML)")->required();
    bool reconcile = false;
    cli.add_flag("--once", once, "run one pass of every stream, then exit");
    cli.add_flag("--reconcile", reconcile,
                 "with --once: make the pass a reconcile (every stream listed in full, records upstream no longer "
                 "has marked deleted)")
        ->needs("--once");
    cli.add_flag("--check-config", checkConfig, "validate the configuration and the API key's presence, then exit");
    cli.set_version_flag("--version", std::string("roomsd ") + kVersion);
    cli.footer("Exit status: 0 success, 1 failure, 2 bad command line or configuration, 3 API key rejected.");
    try {
        cli.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = cli.exit(e);
        return code == 0 ? 0 : kExitUsage;
    }

    config::Config config;
    try {
        config = config::loadConfig(configPath);
    } catch (const config::ConfigError& e) {
        std::cerr << "roomsd: " << e.what() << std::endl;
        return kExitUsage;
    }
    app::setupLogging(config.log.level);
    auto key = config::findApiKey(config, config::apiKeyEnvironment());
    if (!key) {
        std::cerr << "roomsd: " << key.error().message << std::endl;
        return kExitUsage;
    }
    auto tcpToken = config::loadTcpToken(config);
    if (!tcpToken) {
        std::cerr << "roomsd: " << tcpToken.error().message << std::endl;
        return kExitUsage;
    }
    if (checkConfig) {
        std::cout << "roomsd: " << configPath << ": configuration OK" << std::endl;
        return 0;
    }
    try {
        if (once) return runOnce(config, *key, sync::RunRequest{.reconcile = reconcile});
        return runDaemon(config, *key, *tcpToken);
    } catch (const store::StoreError& e) {
        std::cerr << "roomsd: " << e.what() << std::endl;
        return kExitFailure;
    } catch (const std::exception& e) {
        std::cerr << "roomsd: " << e.what() << std::endl;
        return kExitFailure;
    }
}
