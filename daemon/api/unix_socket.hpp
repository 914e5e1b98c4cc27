// The query API's Unix socket file: making room for it, its mode, removing it.
// Thread-safety: call at start-up and shutdown, from one thread.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "api/errors.hpp"

namespace roomsd::api {

// Readies `path` for bind(): creates its directory if missing, removes a stale
// socket file (nothing accepts on it). Throws ServerError when a live process
// serves the socket or when `path` is something other than a socket.
void prepareSocketPath(const std::filesystem::path& path);

// Sets the socket file's mode exactly (chmod, so the umask cannot widen or narrow it). Throws ServerError.
void setSocketMode(const std::filesystem::path& path, unsigned mode);

// The inode of the file at `path`, 0 if none.
ino_t inodeOf(const std::filesystem::path& path);

// Removes the socket file if it is still the one with inode `inode`.
void removeSocketFile(const std::filesystem::path& path, ino_t inode);

} // namespace roomsd::api
