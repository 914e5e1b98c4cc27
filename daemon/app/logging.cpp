#include "app/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>

#include "app/journal_sink.hpp"

namespace roomsd::app {

void setupLogging(const std::string& level) {
    std::shared_ptr<spdlog::logger> logger;
    if (stderrIsJournal(std::getenv("JOURNAL_STREAM"))) {
        logger = std::make_shared<spdlog::logger>("roomsd", std::make_shared<JournalSink>());
    } else {
        logger = spdlog::stderr_logger_mt("roomsd");
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    }
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
    spdlog::set_error_handler([](const std::string&) {}); // a log line that fails is dropped, never thrown
}

void setLogLevel(const std::string& level) { spdlog::default_logger()->set_level(spdlog::level::from_str(level)); }

} // namespace roomsd::app
