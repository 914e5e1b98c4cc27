// bench_run: runs one command and reports what it alone cost, for the benchmark runner.
//
//   bench_run --rusage FILE -- COMMAND [ARGS...]
//
// Forks from this small process and waits for the command with wait4, then writes one JSON
// object to FILE: exit status, wall seconds, user and system CPU seconds, peak RSS in KiB. The
// runner cannot take these itself: Linux carries a process's peak RSS across fork and execve, so a
// child forked from the runner (a Python process holding an account's JSON) would report the
// runner's memory as its own. Stdin, stdout and stderr pass through. The exit status is the
// command's (128+signal when a signal ended it). The runner puts this process in a group of its
// own and kills the group when its timeout passes, so no wait here needs a bound of its own.
// Thread-safety: single-threaded.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 5 || std::strcmp(argv[1], "--rusage") != 0 || std::strcmp(argv[3], "--") != 0) {
        std::fprintf(stderr, "usage: bench_run --rusage FILE -- COMMAND [ARGS...]\n");
        return 2;
    }
    const char* reportPath = argv[2];
    std::vector<char*> command(argv + 4, argv + argc);
    command.push_back(nullptr);

    auto start = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid < 0) {
        std::perror("bench_run: fork");
        return 2;
    }
    if (pid == 0) {
        ::execvp(command[0], command.data());
        std::fprintf(stderr, "bench_run: cannot run %s: %s\n", command[0], std::strerror(errno));
        ::_exit(127);
    }
    int raw = 0;
    rusage usage{};
    while (::wait4(pid, &raw, 0, &usage) < 0) {
        if (errno != EINTR) {
            std::perror("bench_run: wait4");
            return 2;
        }
    }
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    int status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    std::FILE* report = std::fopen(reportPath, "w");
    if (report == nullptr) {
        std::perror("bench_run: the report file");
        return 2;
    }
    std::fprintf(report, "{\"status\":%d,\"wall_s\":%.6f,\"user_s\":%.6f,\"sys_s\":%.6f,\"max_rss_kib\":%ld}\n", status,
                 wall, seconds(usage.ru_utime), seconds(usage.ru_stime), usage.ru_maxrss);
    std::fclose(report);
    return status;
}
