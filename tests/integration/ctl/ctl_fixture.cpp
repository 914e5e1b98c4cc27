// roomsctl's fixtures: the README's shell blocks, runRoomsctl, SyncedMirror and FakeDaemon.
// Thread-safety: see ctl_fixture.hpp.
#include "ctl_fixture.hpp"

#include <catch2/catch.hpp>

#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "support/json.hpp"

namespace roomsd::test {

namespace json = boost::json;

std::vector<std::string> readmeShellBlock(const std::string& heading, const std::string& language, int index) {
    std::string text = readFile(sourceDir() / "README.md");
    REQUIRE_FALSE(text.empty());
    std::size_t at = text.find("\n" + heading + "\n");
    REQUIRE(at != std::string::npos);
    // Fences open and close in turn; only an opening one names the language.
    std::istringstream lines(text.substr(at + 1));
    std::vector<std::string> block;
    bool inside = false, wanted = false;
    int seen = 0;
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("```")) {
            if (inside && wanted) return block;
            wanted = !inside && line == "```" + language && seen++ == index;
            inside = !inside;
        } else if (inside && wanted && !line.empty()) {
            block.push_back(line);
        }
    }
    FAIL("no ```" << language << " block " << index << " after " << heading);
    return block;
}

std::vector<std::string> shellWords(const std::string& line) {
    std::vector<std::string> out;
    std::string word;
    bool quoted = false, inWord = false, redirect = false;
    auto finish = [&] {
        if (inWord && !redirect) out.push_back(word);
        if (inWord) redirect = false;
        word.clear();
        inWord = false;
    };
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
            inWord = true;
        } else if (!quoted && c == '#') {
            break;
        } else if (!quoted && c == '>') {
            finish();
            redirect = true;
        } else if (!quoted && c == ' ') {
            finish();
        } else {
            word += c;
            inWord = true;
        }
    }
    finish();
    return out;
}

RunResult runRoomsctl(const std::vector<std::string>& args, const SpawnOptions& options) {
    std::vector<std::string> argv{(binDir() / "roomsctl").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    SpawnOptions withEnv = options;
    if (!withEnv.env.contains("ROOMSD_SOCKET")) withEnv.unsetEnv.push_back("ROOMSD_SOCKET");
    return run(argv, withEnv, std::chrono::seconds(60));
}

SyncedMirror::SyncedMirror(std::vector<std::string> simArgs, const std::function<void(SimProcess&)>& beforeDaemon,
                           const ConfigYaml& yaml)
    : sim_(simArgs) {
    if (beforeDaemon) beforeDaemon(sim_);
    DaemonOptions options;
    options.yaml = {{"telnyx", "page_size: 50"}, {"log", "level: info"}};
    options.yaml.insert(options.yaml.end(), yaml.begin(), yaml.end());
    daemon_ = std::make_unique<RoomsdDaemon>(sim_, options);
}

RunResult SyncedMirror::ctl(const std::vector<std::string>& args, const SpawnOptions& options) const {
    std::vector<std::string> all{"--socket", socket().string()};
    all.insert(all.end(), args.begin(), args.end());
    return runRoomsctl(all, options);
}

json::value SyncedMirror::ctlJson(const std::vector<std::string>& args) const {
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--format", "json"});
    RunResult r = ctl(all);
    INFO("roomsctl " << args.front() << ": exit " << r.exitCode << "\nstderr: " << r.err);
    REQUIRE(r.exitCode == 0);
    return parseJson(r.out);
}

// ---- FakeDaemon ----

FakeDaemon::FakeDaemon(std::filesystem::path socket, Behaviour behaviour, std::string answer)
    : socket_(std::move(socket)), behaviour_(behaviour), answer_(std::move(answer)) {
    listenFd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listenFd_ < 0) throw std::runtime_error("socket() failed");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string path = socket_.string();
    if (path.size() >= sizeof address.sun_path) throw std::runtime_error("socket path too long");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listenFd_, 16) != 0)
        throw std::runtime_error("cannot listen on " + path + ": " + std::strerror(errno));
    if (::pipe2(stopPipe_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
    thread_ = std::thread([this] { serve(); });
}

FakeDaemon::~FakeDaemon() {
    char byte = 'x';
    [[maybe_unused]] auto written = ::write(stopPipe_[1], &byte, 1);
    thread_.join();
    for (int fd : held_) ::close(fd);
    ::close(listenFd_);
    ::close(stopPipe_[0]);
    ::close(stopPipe_[1]);
    std::error_code ec;
    std::filesystem::remove(socket_, ec);
}

std::vector<std::string> FakeDaemon::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

void FakeDaemon::serve() {
    while (true) {
        pollfd fds[2] = {{listenFd_, POLLIN, 0}, {stopPipe_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) continue;
        if (fds[1].revents != 0) return;
        if ((fds[0].revents & POLLIN) == 0) continue;
        int fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        ++connections_;
        handle(fd);
    }
}

void FakeDaemon::handle(int fd) {
    // Read the head, then as much body as Content-Length says; give up after a few quiet seconds.
    std::string received;
    std::size_t wanted = std::string::npos;
    char buffer[4096];
    while (received.size() < wanted) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) break;
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        received.append(buffer, static_cast<std::size_t>(n));
        auto headEnd = received.find("\r\n\r\n");
        if (headEnd != std::string::npos && wanted == std::string::npos) {
            std::size_t length = 0;
            auto at = received.find("Content-Length: ");
            if (at != std::string::npos && at < headEnd) length = std::stoul(received.substr(at + 16));
            wanted = headEnd + 4 + length;
        }
    }
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(received);
    }
    std::string reply;
    switch (behaviour_) {
    case Behaviour::Silent: held_.push_back(fd); return;
    case Behaviour::HangUp: break;
    case Behaviour::Garbage: reply = "SSH-2.0-OpenSSH_9.2\r\n\r\n"; break;
    case Behaviour::Answer: reply = answer_; break;
    }
    for (std::size_t sent = 0; sent < reply.size();) {
        ssize_t n = ::send(fd, reply.data() + sent, reply.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    ::close(fd);
}

} // namespace roomsd::test
