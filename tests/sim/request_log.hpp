// RequestLog: the last requests to /v2, for tests to see what a client really sent.
//
// A ring buffer of the most recent `capacity` requests: method, raw target, the
// status answered (0 while unanswered or when the connection was closed without
// an answer), arrival time, whether the API key was right and which limiter refused it. Headers, and so the
// key, are never recorded.
// Thread-safety: none; the server uses it from its one io_context thread.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "common/time.hpp"

namespace roomsd::sim {

struct LoggedRequest {
    std::string method;
    std::string target;
    unsigned status = 0;
    Timestamp at;
    bool authorized = false;
    std::string refusedBy; // "hard-limit" when --hard-limit refused it, else empty
};

class RequestLog {
public:
    explicit RequestLog(std::size_t capacity = 10000) : capacity_(capacity) {}

    // Records an arriving request; returns its sequence number for setStatus.
    std::uint64_t record(std::string_view method, std::string_view target, Timestamp at, bool authorized);
    // Sets the answered status of request `sequence`, if it is still in the log.
    void setStatus(std::uint64_t sequence, unsigned status);
    // Marks request `sequence` as refused by `limiter` ("hard-limit").
    void setRefused(std::uint64_t sequence, std::string_view limiter);
    void clear();
    // {"requests":[...oldest first...],"connections_accepted":N}
    boost::json::object toJson(std::uint64_t connectionsAccepted) const;

private:
    std::size_t capacity_;
    std::deque<LoggedRequest> entries_;
    std::uint64_t firstSequence_ = 0; // sequence number of entries_.front()
};

} // namespace roomsd::sim
