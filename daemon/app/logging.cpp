#include "app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <memory>
#include <string_view>

#include "app/journal_sink.hpp"

namespace roomsd::app {
namespace {

// The level as the config names it ("warn", not spdlog's "warning").
class ConfigLevelFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        static constexpr std::string_view kNames[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
        std::string_view name = kNames[static_cast<int>(msg.level)];
        dest.append(name.data(), name.data() + name.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<ConfigLevelFlag>(); }
};

} // namespace

void setupLogging(const std::string& level, const std::string& identifier) {
    std::shared_ptr<spdlog::logger> logger;
    if (stderrIsJournal(std::getenv("JOURNAL_STREAM"))) {
        logger = std::make_shared<spdlog::logger>(identifier, std::make_shared<JournalSink>(identifier));
    } else {
        logger = spdlog::stderr_logger_mt(identifier);
        auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
        formatter->add_flag<ConfigLevelFlag>('&').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %& %v");
        logger->set_formatter(std::move(formatter));
    }
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
    spdlog::set_error_handler([](const std::string&) {}); // a log line that fails is dropped, never thrown
}

void setLogLevel(const std::string& level) { spdlog::default_logger()->set_level(spdlog::level::from_str(level)); }

} // namespace roomsd::app
