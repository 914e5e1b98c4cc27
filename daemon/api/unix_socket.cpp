// The Unix socket file of the query API.
// Thread-safety: see unix_socket.hpp.
#include "api/unix_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "api/query_server.hpp"

namespace fs = std::filesystem;

namespace roomsd::api {
namespace {

// What connect() to the socket at `path` says: 0 when something accepts, else errno.
int probe(const fs::path& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return errno;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string text = path.string();
    std::memcpy(address.sun_path, text.data(), std::min(text.size(), sizeof(address.sun_path) - 1));
    int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
    int error = rc == 0 ? 0 : errno;
    ::close(fd);
    return error;
}

} // namespace

void prepareSocketPath(const fs::path& path) {
    std::error_code ec;
    if (path.has_parent_path() && !fs::exists(path.parent_path(), ec)) {
        fs::create_directories(path.parent_path(), ec);
        if (ec)
            throw ServerError("cannot create the directory " + path.parent_path().string() +
                              " for server.socket: " + ec.message());
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return;
        throw ServerError("cannot use server.socket " + path.string() + ": " + std::strerror(errno));
    }
    if (!S_ISSOCK(st.st_mode))
        throw ServerError("server.socket " + path.string() +
                          " exists and is not a socket; remove it or choose another path");
    int error = probe(path);
    if (error == 0) throw ServerError("another process is serving " + path.string() + "; is roomsd already running?");
    if (error != ECONNREFUSED)
        throw ServerError("cannot tell whether " + path.string() + " is in use: " + std::strerror(error));
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        throw ServerError("cannot remove the stale socket " + path.string() + ": " + std::strerror(errno));
}

void setSocketMode(const fs::path& path, unsigned mode) {
    if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0)
        throw ServerError("cannot set the mode of " + path.string() + ": " + std::strerror(errno));
}

ino_t inodeOf(const fs::path& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

void removeSocketFile(const fs::path& path, ino_t inode) {
    if (inode != 0 && inodeOf(path) == inode) ::unlink(path.c_str());
}

} // namespace roomsd::api
