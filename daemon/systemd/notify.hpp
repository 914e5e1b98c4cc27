// systemd integration: readiness, a status line, the watchdog.
//
// Type=notify services tell systemd when they are ready (READY=1), what they
// are doing (STATUS=...), when they reload (RELOADING=1, then READY=1), when they stop (STOPPING=1) and that their
// event loop still turns (WATCHDOG=1, within WatchdogSec). Outside systemd (NOTIFY_SOCKET unset) every call does
// nothing. Thread-safety: every function may be called from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace roomsd::systemd {

void notifyReady(const std::string& status);
void notifyStatus(const std::string& status);
// RELOADING=1 (with MONOTONIC_USEC, as Type=notify-reload wants): a reload began; READY=1 ends it.
void notifyReloading();
void notifyStopping();
void notifyWatchdog();

// How often the watchdog wants a WATCHDOG=1 (half of WatchdogSec), or nullopt when it is off.
std::optional<std::chrono::microseconds> watchdogPingInterval();

} // namespace roomsd::systemd
