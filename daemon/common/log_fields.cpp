#include "common/log_fields.hpp"

namespace roomsd {
namespace {

std::vector<LogField>& threadFields() {
    thread_local std::vector<LogField> fields;
    return fields;
}

} // namespace

LogFieldScope::LogFieldScope(std::initializer_list<LogField> fields) : added_(fields.size()) {
    auto& all = threadFields();
    all.insert(all.end(), fields.begin(), fields.end());
}

LogFieldScope::~LogFieldScope() {
    auto& all = threadFields();
    all.resize(all.size() - added_);
}

std::span<const LogField> currentLogFields() noexcept { return threadFields(); }

bool isJournalFieldName(std::string_view key) noexcept {
    if (key.empty() || key.size() > 64 || key.front() == '_') return false;
    for (char c : key) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) return false;
    }
    return !(key.front() >= '0' && key.front() <= '9');
}

} // namespace roomsd
