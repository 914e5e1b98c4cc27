// A raw connection to roomsd's Unix socket, for the query API's tests of what libcurl
// will not send (malformed HTTP, slow or idle clients, too many connections).
// Thread-safety: one owner per connection.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace roomsd::test {

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
