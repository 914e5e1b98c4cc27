#include "systemd/notify.hpp"

#include <systemd/sd-daemon.h>

#include <ctime>

namespace roomsd::systemd {
namespace {

void send(const std::string& message) { sd_notify(0, message.c_str()); }

// A status line is one line: the journal and `systemctl status` show it as such.
std::string oneLine(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    return text;
}

} // namespace

void notifyReady(const std::string& status) { send("READY=1\nSTATUS=" + oneLine(status)); }
void notifyStatus(const std::string& status) { send("STATUS=" + oneLine(status)); }
void notifyReloading() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    auto usec = static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) + "\nSTATUS=reloading the configuration");
}
void notifyStopping() { send("STOPPING=1\nSTATUS=stopping"); }
void notifyWatchdog() { send("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> watchdogPingInterval() {
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
    return std::chrono::microseconds(usec / 2);
}

} // namespace roomsd::systemd
