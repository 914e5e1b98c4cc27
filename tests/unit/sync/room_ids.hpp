// What the sync tests' rooms are made of: timestamps from text, and room n's id.
// Thread-safety: pure functions.
#pragma once

#include <cstdio>
#include <string>

#include "common/time.hpp"

namespace roomsd::test {

inline Timestamp at(const char* text) { return *parseTimestamp(text); }

// "room-0007" for 7: ids that sort as their numbers do.
inline std::string roomId(int n) {
    char id[32];
    std::snprintf(id, sizeof id, "room-%04d", n);
    return id;
}

} // namespace roomsd::test
