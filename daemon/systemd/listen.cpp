// Socket activation through sd_listen_fds(3).
// Thread-safety: see listen.hpp.
#include "systemd/listen.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace roomsd::systemd {
namespace {

// The path a Unix socket is bound to, "" for an abstract or unnamed one.
std::string boundPath(int fd) {
    sockaddr_un address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0 || length <= sizeof(sa_family_t))
        return {};
    return std::string(address.sun_path, ::strnlen(address.sun_path, sizeof address.sun_path));
}

Result<ActivatedSockets> refuse(const std::vector<int>& fds, std::string message) {
    for (int fd : fds) ::close(fd);
    return fail(ErrorKind::Config, std::move(message));
}

} // namespace

Result<ActivatedSockets> takeActivatedSockets(const std::filesystem::path& socketPath, bool tcpWanted) {
    int count = sd_listen_fds(1); // 1: unset LISTEN_PID/LISTEN_FDS, so no child inherits them
    if (count < 0) return fail(ErrorKind::Config, std::string("socket activation: ") + std::strerror(-count));
    std::vector<int> fds;
    for (int i = 0; i < count; ++i) fds.push_back(SD_LISTEN_FDS_START + i);
    ActivatedSockets out;
    for (int fd : fds) {
        if (sd_is_socket_unix(fd, SOCK_STREAM, 1, nullptr, 0) > 0) {
            std::string path = boundPath(fd);
            if (out.unixFd || path != socketPath.string())
                return refuse(fds, "socket activation: systemd passed the Unix socket " + path +
                                       " but server.socket is " + socketPath.string() +
                                       "; make the socket unit's ListenStream= and server.socket the same");
            out.unixFd = fd;
        } else if (sd_is_socket_inet(fd, AF_UNSPEC, SOCK_STREAM, 1, 0) > 0) {
            if (out.tcpFd || !tcpWanted)
                return refuse(fds, "socket activation: systemd passed a TCP socket but server.tcp is not set; "
                                   "set it to the socket unit's ListenStream= address or remove that line");
            out.tcpFd = fd;
        } else {
            return refuse(fds, "socket activation: systemd passed fd " + std::to_string(fd) +
                                   ", which is not a listening stream socket");
        }
    }
    return out;
}

} // namespace roomsd::systemd
