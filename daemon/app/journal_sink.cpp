#include "app/journal_sink.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>

namespace roomsd::app {

int journalPriority(spdlog::level::level_enum level) noexcept {
    switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return 7;    // LOG_DEBUG
    case spdlog::level::info: return 6;     // LOG_INFO
    case spdlog::level::warn: return 4;     // LOG_WARNING
    case spdlog::level::err: return 3;      // LOG_ERR
    case spdlog::level::critical: return 2; // LOG_CRIT
    default: return 6;
    }
}

std::vector<std::string> journalFields(spdlog::level::level_enum level, std::string_view message,
                                       std::span<const LogField> fields, std::string_view identifier) {
    std::vector<std::string> out;
    out.reserve(3 + fields.size());
    out.push_back("MESSAGE=" + std::string(message));
    out.push_back("PRIORITY=" + std::to_string(journalPriority(level)));
    out.push_back("SYSLOG_IDENTIFIER=" + std::string(identifier));
    for (const LogField& f : fields)
        if (isJournalFieldName(f.key)) out.push_back(f.key + "=" + f.value);
    return out;
}

bool stderrIsJournal(const char* journalStream) noexcept {
    if (journalStream == nullptr) return false;
    std::string_view text(journalStream);
    auto colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    unsigned long long dev = 0;
    unsigned long long ino = 0;
    auto d = std::from_chars(text.data(), text.data() + colon, dev);
    auto i = std::from_chars(text.data() + colon + 1, text.data() + text.size(), ino);
    if (d.ec != std::errc() || d.ptr != text.data() + colon || i.ec != std::errc() ||
        i.ptr != text.data() + text.size())
        return false;
    struct stat st {};
    if (fstat(STDERR_FILENO, &st) != 0) return false;
    return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

void JournalSink::sink_it_(const spdlog::details::log_msg& msg) {
    std::string_view message(msg.payload.data(), msg.payload.size());
    std::vector<std::string> fields = journalFields(msg.level, message, currentLogFields(), identifier_);
    std::vector<iovec> iov(fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) iov[i] = {fields[i].data(), fields[i].size()};
    if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) >= 0) return;
    std::fprintf(stderr, "<%d>%.*s\n", journalPriority(msg.level), static_cast<int>(message.size()), message.data());
}

} // namespace roomsd::app
