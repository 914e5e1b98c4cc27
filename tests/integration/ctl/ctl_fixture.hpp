// roomsctl's end-to-end fixtures: the real roomsctl binary, run against a synced mirror
// (the real telnyx-sim and roomsd, from tests/support) or against a stand-in daemon for
// what the real one cannot be made to do (never answer, hang up, answer garbage).
// Thread-safety: one test thread; FakeDaemon serves from its own thread.
#pragma once

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/daemon.hpp"
#include "support/process.hpp"
#include "support/sim.hpp"

namespace roomsd::test {

// The non-empty lines of the `index`th ```language block after the line `heading` in the README.
std::vector<std::string> readmeShellBlock(const std::string& heading, const std::string& language = "sh",
                                          int index = 0);

// Splits a shell line into words the way sh would for the README's examples: double quotes
// group, a '#' outside quotes starts a comment, and '> FILE' is a redirection, dropped.
std::vector<std::string> shellWords(const std::string& line);

// Runs build/bin/roomsctl with `args` (stdout not a terminal).
RunResult runRoomsctl(const std::vector<std::string>& args, const SpawnOptions& options = {});

// telnyx-sim and a roomsd daemon (RoomsdDaemon) mirroring it, its first pass of every
// stream done, with roomsctl pointed at the daemon's socket.
class SyncedMirror {
public:
    // `beforeDaemon` runs once the simulator is up and before roomsd starts, e.g. to plant records.
    // `yaml` is added to the daemon's config, e.g. {"server", "sql_max_export_bytes: 4096"}.
    explicit SyncedMirror(std::vector<std::string> simArgs = {"--rooms", "20", "--seed", "7"},
                          const std::function<void(SimProcess&)>& beforeDaemon = {}, const ConfigYaml& yaml = {});
    SyncedMirror(const SyncedMirror&) = delete;
    SyncedMirror& operator=(const SyncedMirror&) = delete;

    // roomsctl --socket <the daemon's socket> args...
    RunResult ctl(const std::vector<std::string>& args, const SpawnOptions& options = {}) const;
    // roomsctl ... --format json, which must succeed, parsed.
    boost::json::value ctlJson(const std::vector<std::string>& args) const;

    SimProcess& sim() { return sim_; }
    const std::filesystem::path& socket() const { return daemon_->socket(); }
    std::filesystem::path database() const { return daemon_->database(); }
    std::string log() const { return daemon_->log(); }

private:
    SimProcess sim_;
    std::unique_ptr<RoomsdDaemon> daemon_; // started after beforeDaemon, stopped before the simulator
};

// A Unix-socket listener that plays a misbehaving roomsd.
class FakeDaemon {
public:
    enum class Behaviour {
        Silent,  // accepts, reads, never answers
        HangUp,  // accepts, reads the request, closes without a word
        Garbage, // answers bytes that are not HTTP
        Answer,  // answers `answer` (a whole HTTP response)
    };
    FakeDaemon(std::filesystem::path socket, Behaviour behaviour, std::string answer = "");
    ~FakeDaemon();
    FakeDaemon(const FakeDaemon&) = delete;
    FakeDaemon& operator=(const FakeDaemon&) = delete;

    int connections() const { return connections_.load(); }
    // The requests received so far, each as raw bytes (head and body).
    std::vector<std::string> requests() const;

private:
    void serve();
    void handle(int fd);

    std::filesystem::path socket_;
    Behaviour behaviour_;
    std::string answer_;
    int listenFd_ = -1;
    int stopPipe_[2] = {-1, -1};
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::vector<int> held_; // Silent: connections kept open until the end
    std::thread thread_;
};

} // namespace roomsd::test
