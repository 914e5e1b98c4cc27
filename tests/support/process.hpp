// Child processes for integration tests: the real binaries, started and stopped.
//
// Output goes to files (never pipes), so a chatty child cannot block on a full
// pipe while the test waits for it. Thread-safety: one owner per object.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace roomsd::test {

// Where the project's binaries were built (build/bin).
std::filesystem::path binDir();
// The source tree's root, for fixtures and config files.
std::filesystem::path sourceDir();

// A directory removed with everything in it when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

struct SpawnOptions {
    std::map<std::string, std::string> env; // added to (or replacing in) the test's environment
    std::vector<std::string> unsetEnv;      // removed from the environment
    std::filesystem::path stdoutPath;       // default: /dev/null
    std::filesystem::path stderrPath;       // default: /dev/null
    std::filesystem::path stdinPath;        // default: /dev/null
};

// A running child; killed (SIGKILL) and reaped on destruction if still running.
class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, const SpawnOptions& options = {});
    ~ChildProcess();
    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&&) = delete;
    ChildProcess(const ChildProcess&) = delete;

    int pid() const { return pid_; }
    // The exit status (128+signal when killed by one) once the child has ended,
    // nullopt if it is still running after `timeout`.
    std::optional<int> waitFor(std::chrono::milliseconds timeout);
    void signal(int sig);
    // SIGTERM, then SIGKILL after `grace`; returns the exit status.
    int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
    bool running();
    // Peak resident memory of the ended child, in KiB (0 while it runs).
    long maxRssKb() const { return maxRssKb_; }

private:
    int pid_ = -1;
    std::optional<int> status_;
    long maxRssKb_ = 0;
};

struct RunResult {
    int exitCode = -1; // 128+signal if killed; -1 if it timed out (and was killed)
    std::string out;
    std::string err;
};

// Runs a command to completion (killing it after `timeout`) and captures its output.
RunResult run(const std::vector<std::string>& argv, const SpawnOptions& options = {},
              std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The whole content of a file ("" when it does not exist).
std::string readFile(const std::filesystem::path& path);
void writeFile(const std::filesystem::path& path, const std::string& content);

// Polls `predicate` every 20 ms until it holds or `timeout` passes; returns its last value.
template <class Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A random printable token, for API keys in tests (never a real secret).
std::string randomToken(std::size_t length = 32);

} // namespace roomsd::test

#include <thread>

template <class Predicate>
bool roomsd::test::eventually(Predicate predicate, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (predicate()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}
