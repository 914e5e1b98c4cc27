#include "request_log.hpp"

#include <boost/json.hpp>

namespace roomsd::sim {

namespace json = boost::json;

std::uint64_t RequestLog::record(std::string_view method, std::string_view target, Timestamp at, bool authorized) {
    entries_.push_back(LoggedRequest{std::string(method), std::string(target), 0, at, authorized, {}});
    while (entries_.size() > capacity_) {
        entries_.pop_front();
        ++firstSequence_;
    }
    return firstSequence_ + entries_.size() - 1;
}

void RequestLog::setStatus(std::uint64_t sequence, unsigned status) {
    if (sequence < firstSequence_ || sequence - firstSequence_ >= entries_.size()) return;
    entries_[static_cast<std::size_t>(sequence - firstSequence_)].status = status;
}

void RequestLog::setRefused(std::uint64_t sequence, std::string_view limiter) {
    if (sequence < firstSequence_ || sequence - firstSequence_ >= entries_.size()) return;
    entries_[static_cast<std::size_t>(sequence - firstSequence_)].refusedBy = limiter;
}

void RequestLog::clear() {
    firstSequence_ += entries_.size();
    entries_.clear();
}

json::object RequestLog::toJson(std::uint64_t connectionsAccepted) const {
    json::array list;
    for (const LoggedRequest& entry : entries_) {
        json::object o{{"method", entry.method},
                       {"target", entry.target},
                       {"status", entry.status},
                       {"at", formatTimestamp(entry.at)},
                       {"authorized", entry.authorized}};
        if (!entry.refusedBy.empty()) o["refused_by"] = entry.refusedBy;
        list.push_back(std::move(o));
    }
    return json::object{{"requests", std::move(list)}, {"connections_accepted", connectionsAccepted}};
}

} // namespace roomsd::sim
