// JournalSink: an spdlog sink that sends each record to the systemd journal natively
// (sd_journal_sendv), with PRIORITY from the record's level, SYSLOG_IDENTIFIER (the program: roomsd,
// roomsd-replicate), the
// message, and the structured fields of the logging thread's LogFieldScopes (common/log_fields.hpp).
//
// A record the journal does not take (journald gone, say) is written to stderr instead, with
// its sd-daemon(3) "<N>" priority prefix, so it is never lost silently. journalFields() and
// stderrIsJournal() are pure, for tests.
// Thread-safety: the sink is spdlog's base_sink<std::mutex>: log from any thread. It reads the
// scoped fields of the thread that logs, so it belongs to a synchronous logger (never spdlog's async one).
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/log_fields.hpp"

namespace roomsd::app {

// The syslog priority (0 emerg .. 7 debug) for an spdlog level.
int journalPriority(spdlog::level::level_enum level) noexcept;

// The fields one record produces, each "KEY=value": MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, then
// `fields` whose keys are valid journal field names (the others are dropped).
std::vector<std::string> journalFields(spdlog::level::level_enum level, std::string_view message,
                                       std::span<const LogField> fields, std::string_view identifier = "roomsd");

// Whether stderr is the journal's stream, as sd_journal_stream_fd(3) and systemd.exec(5) say to
// check: `journalStream` (the JOURNAL_STREAM variable, "DEVICE:INODE") names stderr's device and
// inode. False when unset, malformed, or stderr was redirected elsewhere.
bool stderrIsJournal(const char* journalStream) noexcept;

class JournalSink : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit JournalSink(std::string identifier = "roomsd") : identifier_(std::move(identifier)) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override;
    void flush_() override {}

private:
    std::string identifier_;
};

} // namespace roomsd::app
