#include "support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace roomsd::test {
namespace fs = std::filesystem;

fs::path binDir() { return fs::path(ROOMSD_TEST_BIN_DIR); }
fs::path sourceDir() { return fs::path(ROOMSD_TEST_SOURCE_DIR); }

TempDir::TempDir() {
    fs::path base = fs::temp_directory_path();
    std::string pattern = (base / "roomsd-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

namespace {

int statusFromWait(int raw) {
    if (WIFEXITED(raw)) return WEXITSTATUS(raw);
    if (WIFSIGNALED(raw)) return 128 + WTERMSIG(raw);
    return -1;
}

void addFileAction(posix_spawn_file_actions_t& actions, int fd, const fs::path& path, int flags) {
    std::string target = path.empty() ? "/dev/null" : path.string();
    posix_spawn_file_actions_addopen(&actions, fd, target.c_str(), flags, 0644);
}

} // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const SpawnOptions& options) {
    if (argv.empty()) throw std::invalid_argument("empty argv");
    std::map<std::string, std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    for (const auto& name : options.unsetEnv) env.erase(name);
    for (const auto& [k, v] : options.env) env[k] = v;
    std::vector<std::string> envStrings;
    for (const auto& [k, v] : env) envStrings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : envStrings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argvp;
    for (auto& s : args) argvp.push_back(s.data());
    argvp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    addFileAction(actions, 0, options.stdinPath, O_RDONLY);
    addFileAction(actions, 1, options.stdoutPath, O_WRONLY | O_CREAT | O_APPEND);
    addFileAction(actions, 2, options.stderrPath, O_WRONLY | O_CREAT | O_APPEND);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    int rc = posix_spawn(&pid_, args[0].c_str(), &actions, &attr, argvp.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw std::runtime_error("cannot start " + args[0] + ": " + std::to_string(rc));
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(other.pid_), status_(other.status_), maxRssKb_(other.maxRssKb_) {
    other.pid_ = -1;
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && !status_) {
        ::kill(pid_, SIGKILL);
        int raw = 0;
        ::waitpid(pid_, &raw, 0);
    }
}

std::optional<int> ChildProcess::waitFor(std::chrono::milliseconds timeout) {
    if (status_) return status_;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        int raw = 0;
        rusage usage{};
        pid_t r = ::wait4(pid_, &raw, WNOHANG, &usage);
        if (r == pid_) {
            status_ = statusFromWait(raw);
            maxRssKb_ = usage.ru_maxrss;
            return status_;
        }
        if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

bool ChildProcess::running() { return !waitFor(std::chrono::milliseconds(0)).has_value(); }

void ChildProcess::signal(int sig) {
    if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
    signal(SIGTERM);
    if (auto st = waitFor(grace)) return *st;
    signal(SIGKILL);
    return waitFor(std::chrono::seconds(10)).value_or(-1);
}

RunResult run(const std::vector<std::string>& argv, const SpawnOptions& options, std::chrono::milliseconds timeout) {
    TempDir dir;
    SpawnOptions opts = options;
    opts.stdoutPath = dir / "stdout";
    opts.stderrPath = dir / "stderr";
    ChildProcess child(argv, opts);
    RunResult result;
    if (auto st = child.waitFor(timeout)) {
        result.exitCode = *st;
    } else {
        child.stop(std::chrono::seconds(1));
        result.exitCode = -1;
    }
    result.out = readFile(dir / "stdout");
    result.err = readFile(dir / "stderr");
    return result;
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFile(const fs::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string randomToken(std::size_t length) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device rd;
    std::mt19937_64 rng(rd());
    std::uniform_int_distribution<std::size_t> pick(0, sizeof(kAlphabet) - 2);
    std::string out;
    for (std::size_t i = 0; i < length; ++i) out += kAlphabet[pick(rng)];
    return out;
}

} // namespace roomsd::test
