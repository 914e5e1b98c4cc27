// A stand-in for systemd's NOTIFY_SOCKET: the datagram socket roomsd's sd_notify() writes to,
// and every message received on it, in order. Thread-safety: one owner.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace roomsd::test {

class NotifySocket {
public:
    explicit NotifySocket(const std::filesystem::path& path);
    ~NotifySocket();
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    // Every datagram received so far, in order (what is pending is read first).
    const std::vector<std::string>& messages();
    // Whether any message so far contains `needle`.
    bool received(const std::string& needle);
    // The index of the first message at or after `from` that contains `needle`, or -1.
    long find(const std::string& needle, std::size_t from = 0);

private:
    int fd_ = -1;
    std::vector<std::string> messages_;
};

} // namespace roomsd::test
