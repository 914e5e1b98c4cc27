// Socket activation: the listening sockets systemd (roomsd.socket, or systemd-socket-activate)
// handed over, matched to the query API's Unix socket and TCP address.
//
// sd_listen_fds(3) passes sockets from fd 3 on, with LISTEN_PID and LISTEN_FDS in the
// environment; outside socket activation there are none and roomsd binds its own.
// Thread-safety: call once at start-up, before other threads start (it unsets the variables).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "common/result.hpp"

namespace roomsd::systemd {

struct ActivatedSockets {
    std::optional<int> unixFd; // a listening stream socket bound to the configured path
    std::optional<int> tcpFd;  // a listening TCP socket
};

// Takes the sockets systemd passed and checks each against the configuration: a Unix
// stream socket must be bound to `socketPath`, a TCP one must be wanted (`tcpWanted`);
// anything else is an Error naming the socket unit's ListenStream= and the key that
// disagrees (the sockets are closed then). No sockets passed: an empty result.
Result<ActivatedSockets> takeActivatedSockets(const std::filesystem::path& socketPath, bool tcpWanted);

} // namespace roomsd::systemd
