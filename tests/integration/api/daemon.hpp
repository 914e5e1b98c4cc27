// A real roomsd in daemon mode, against a real telnyx-sim, for the query API's
// integration tests: its own temporary directory (config, database, socket),
// started, waited for (GET /status answers and every stream completed a pass),
// and stopped with SIGTERM.
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
#include "support/sim.hpp"

namespace roomsd::test {

struct DaemonOptions {
    std::vector<std::string> serverYaml; // extra lines under server:, e.g. "  max_connections: 4"
    std::vector<std::string> syncYaml;   // extra lines under sync:
    std::string apiKey;                  // default: the simulator's
    bool waitForSync = true;             // wait until every stream completed a pass
    std::filesystem::path socket;        // default: <dir>/run/roomsd.sock
};

// Options with `lines` under server:.
DaemonOptions serverOptions(std::vector<std::string> lines);

class RoomsdDaemon {
public:
    RoomsdDaemon(const SimProcess& sim, DaemonOptions options = {});
    ~RoomsdDaemon();

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

// Writes a config for roomsd against `sim` into `dir`, with the socket at `socket`.
std::filesystem::path writeDaemonConfig(const std::filesystem::path& dir, const SimProcess& sim,
                                        const std::filesystem::path& socket, const DaemonOptions& options);

// A raw connection to a Unix socket, for requests libcurl will not send.
class RawConnection {
public:
    explicit RawConnection(const std::filesystem::path& socket);
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;
    // Sends all of `bytes`; false when the peer has closed.
    bool send(const std::string& bytes);
    // Everything received until the peer closes or `timeout` passes.
    std::string readUntilClosed(std::chrono::milliseconds timeout);
    // True when the peer has closed the connection (EOF or reset) within `timeout`.
    bool closedWithin(std::chrono::milliseconds timeout);
    int fd() const { return fd_; }

private:
    int fd_ = -1;
};

} // namespace roomsd::test
