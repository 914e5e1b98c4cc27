// A capture of spdlog's output for the client's tests, which check what TelnyxClient
// logs (and that it never logs the API key).
// Thread-safety: one test thread at a time; LogCapture swaps the process-wide default logger.
#pragma once

#include <memory>
#include <sstream>
#include <string>

namespace spdlog {
class logger;
}

namespace roomsd::test {

// Routes everything spdlog logs (every level) into a string while alive, then restores the default logger.
class LogCapture {
public:
    LogCapture();
    ~LogCapture();
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;
    std::string text() const;

private:
    std::shared_ptr<std::ostringstream> out_;
    std::shared_ptr<spdlog::logger> previous_;
};

} // namespace roomsd::test
