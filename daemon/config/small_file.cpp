// Thread-safety: see small_file.hpp.
#include "config/small_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>

namespace fs = std::filesystem;

namespace roomsd::config {

std::optional<std::string> readSmallFile(const fs::path& path, std::string& error) {
    // An ifstream opens a directory without complaint and then reads nothing, which would pass for an
    // empty file (all defaults, or an empty key).
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        error = "cannot read " + path.string() + ": it is a directory, not a file";
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read " + path.string() + ": " + std::strerror(errno);
        return std::nullopt;
    }
    std::string content;
    char buf[4096];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        content.append(buf, static_cast<std::size_t>(in.gcount()));
        if (content.size() > (1u << 20)) {
            error = path.string() + " is larger than 1 MiB";
            return std::nullopt;
        }
    }
    if (in.bad()) {
        error = "cannot read " + path.string() + ": " + std::strerror(errno);
        return std::nullopt;
    }
    return content;
}

} // namespace roomsd::config
