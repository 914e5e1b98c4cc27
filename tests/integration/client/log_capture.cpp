// LogCapture: an ostream sink installed as spdlog's default logger. Thread-safety: see log_capture.hpp.
#include "log_capture.hpp"

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

namespace roomsd::test {

LogCapture::LogCapture() : out_(std::make_shared<std::ostringstream>()), previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*out_);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

LogCapture::~LogCapture() { spdlog::set_default_logger(previous_); }

std::string LogCapture::text() const {
    spdlog::default_logger()->flush();
    return out_->str();
}

} // namespace roomsd::test
