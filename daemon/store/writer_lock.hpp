// WriterLock: at most one roomsd writes to a given mirror at a time.
//
// An advisory lock (flock) on "<database>.lock", held for the life of the
// object; the file records the holder's pid for the error message of the
// second process. The kernel drops the lock when the process dies, so a crash
// never leaves a stale lock behind.
// Thread-safety: one owner.
#pragma once

#include <filesystem>

#include "store/errors.hpp"

namespace roomsd::store {

class WriterLock {
public:
    // Takes the lock, or throws StoreError saying which process holds it.
    explicit WriterLock(const std::filesystem::path& database);
    ~WriterLock();
    WriterLock(const WriterLock&) = delete;
    WriterLock& operator=(const WriterLock&) = delete;

private:
    int fd_ = -1;
};

} // namespace roomsd::store
