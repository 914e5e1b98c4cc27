// NotifySocket: a bound AF_UNIX datagram socket, read without blocking.
#include "support/notify_socket.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace roomsd::test {

NotifySocket::NotifySocket(const std::filesystem::path& path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("cannot bind the notify socket " + path.string());
}

NotifySocket::~NotifySocket() {
    if (fd_ >= 0) ::close(fd_);
}

const std::vector<std::string>& NotifySocket::messages() {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd_, buf, sizeof buf, 0)) > 0;)
        messages_.emplace_back(buf, static_cast<std::size_t>(n));
    return messages_;
}

bool NotifySocket::received(const std::string& needle) { return find(needle) >= 0; }

long NotifySocket::find(const std::string& needle, std::size_t from) {
    const auto& all = messages();
    for (std::size_t i = from; i < all.size(); ++i)
        if (all[i].find(needle) != std::string::npos) return static_cast<long>(i);
    return -1;
}

} // namespace roomsd::test
