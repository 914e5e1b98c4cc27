// roomsd in daemon mode against a real telnyx-sim, for every suite that needs the
// running service (the query API, roomsctl, systemd): its own temporary directory
// (config, database, socket), started, waited for (GET /status answers and every
// stream completed a pass), asked over its Unix socket, and stopped with SIGTERM.
// Thread-safety: one owner; get, post and request may be called from several threads,
// the checking calls (status, waitForPassAfter, lastRoomsRun) only from the test's
// thread, as Catch's assertions require.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/http.hpp"
#include "support/process.hpp"
#include "support/roomsd.hpp"
#include "support/sim.hpp"

namespace roomsd::test {

// How far RoomsdDaemon's constructor waits before the test goes on.
enum class DaemonReady {
    Started, // the process is started: the test watches for readiness itself (sd_notify, the log)
    Serving, // GET /status answers
    Synced,  // and every stream has completed a pass
};

struct DaemonOptions {
    ConfigYaml yaml;    // over the daemon's defaults, e.g. {"server", "max_connections: 4"}
    std::string apiKey; // default: the simulator's
    DaemonReady waitUntil = DaemonReady::Synced;
    std::filesystem::path socket; // default: <dir>/run/roomsd.sock
    // Added to roomsdEnvironment(), which has none of the service manager's variables:
    // e.g. NOTIFY_SOCKET and WATCHDOG_USEC to play systemd.
    std::map<std::string, std::string> env;
};

// Options with `lines` ("  max_connections: 4") under server:.
DaemonOptions serverOptions(const std::vector<std::string>& lines);

// Writes the daemon's config for `sim` into `dir` with the socket at `socket`: writeRoomsdConfig
// with telnyx.max_retries 1 and sync.interval_secs 3600 (one pass, unless asked), then options.yaml.
std::filesystem::path writeDaemonConfig(const std::filesystem::path& dir, const SimProcess& sim,
                                        const std::filesystem::path& socket, const DaemonOptions& options);

class RoomsdDaemon {
public:
    RoomsdDaemon(const SimProcess& sim, DaemonOptions options = {});
    ~RoomsdDaemon();
    RoomsdDaemon(const RoomsdDaemon&) = delete;
    RoomsdDaemon& operator=(const RoomsdDaemon&) = delete;

    // The Unix socket path, the database, the log (stderr).
    const std::filesystem::path& socket() const { return socket_; }
    std::filesystem::path database() const { return dir_ / "mirror.db"; }
    std::string log() const { return readFile(dir_ / "stderr"); }
    const std::filesystem::path& configPath() const { return config_; }
    ChildProcess& process() { return *process_; }

    // Requests over the Unix socket.
    HttpResponse get(const std::string& target, std::vector<std::string> headers = {}) const;
    HttpResponse post(const std::string& target, const std::string& body, std::vector<std::string> headers = {}) const;
    HttpResponse request(HttpRequest request) const;
    // GET /status, parsed.
    boost::json::value status() const;
    // Waits until a pass started after `after` (a last_run.finished_at of rooms, or "") has completed.
    void waitForPassAfter(const std::string& after, std::chrono::seconds timeout = std::chrono::seconds(60)) const;
    // rooms' last_run.finished_at, "" if none.
    std::string lastRoomsRun() const;

    // SIGTERM and the exit status.
    int stop();

private:
    TempDir dir_;
    std::filesystem::path socket_;
    std::filesystem::path config_;
    std::unique_ptr<ChildProcess> process_;
};

} // namespace roomsd::test
