// The CPU seconds (user + system) this process has used so far, for the reference programs that
// time a part of their run. Thread-safety: any thread (getrusage of the whole process).
#pragma once

#include <sys/resource.h>

namespace roomsd::bench {

inline double processCpuSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

} // namespace roomsd::bench
