#include "store/writer_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/strings.hpp"
#include "store/migrations.hpp"

namespace roomsd::store {

WriterLock::WriterLock(const std::filesystem::path& database) {
    std::filesystem::path path = database;
    path += ".lock";
    // The lock is the first file roomsd creates, so its failures are the ones a user running roomsd
    // with another user's configuration meets: say what failed and which key chooses the place.
    const std::string hint = " (storage.database chooses where the mirror lives)";
    std::error_code ec;
    if (path.has_parent_path() && !std::filesystem::is_directory(path.parent_path()) &&
        !std::filesystem::create_directories(path.parent_path(), ec) && ec)
        throw StoreError("cannot create the directory " + path.parent_path().string() + " of the database " +
                         database.string() + ": " + ec.message() + hint);
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd_ < 0) throw StoreError("cannot open the lock file " + path.string() + ": " + std::strerror(errno) + hint);
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        char buf[32] = {};
        ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
        std::string holder = n > 0 ? std::string(trim(std::string_view(buf, static_cast<std::size_t>(n)))) : "";
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw StoreError("another roomsd" + (holder.empty() ? std::string() : " (pid " + holder + ")") +
                             " is already writing to " + database.string());
        throw StoreError("cannot lock " + path.string() + ": " + std::strerror(err));
    }
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
    }
}

WriterLock::~WriterLock() {
    if (fd_ >= 0) ::close(fd_); // closing drops the flock
}

} // namespace roomsd::store
