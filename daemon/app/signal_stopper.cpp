// SIGINT/SIGTERM to a stop request (see signal_stopper.hpp).
#include "app/signal_stopper.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <pthread.h>

namespace roomsd::app {

SignalStopper::SignalStopper(std::stop_source& source) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    thread_ = std::jthread([this, set, &source](std::stop_token) {
        int sig = 0;
        if (sigwait(&set, &sig) == 0 && sig != SIGUSR2) {
            spdlog::info("received {}, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
            received_ = sig;
            source.request_stop();
        }
    });
}

SignalStopper::~SignalStopper() { pthread_kill(thread_.native_handle(), SIGUSR2); }

} // namespace roomsd::app
