// Reading the small files configuration comes in: the YAML file and the key file.
// Thread-safety: pure functions over the file system.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace roomsd::config {

// The whole of `path` (at most 1 MiB), or nullopt with `error` saying why not:
// a directory, a missing or unreadable file, or one that is too large.
std::optional<std::string> readSmallFile(const std::filesystem::path& path, std::string& error);

} // namespace roomsd::config
