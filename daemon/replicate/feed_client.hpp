// roomsd-replicate's side of the change feed: GET /changes, GET /changes/snapshot, and the
// consumer's registration and acknowledgement, over ctl's Transport (roomsd's Unix socket).
// Errors: Transient when roomsd did not answer (down, restarting: worth a retry), Protocol
// when it answered something the contract does not say, Http for another error status, with
// roomsd's own message. A trimmed `since` is not an error: Trimmed says so.
// Thread-safety: one thread at a time, as its Transport.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>

#include "common/result.hpp"
#include "ctl/transport.hpp"
#include "replicate/change.hpp"

namespace roomsd::replicate {

// The 410 of GET /changes: the log no longer holds the changes after `since`.
struct Trimmed {
    std::int64_t oldestSeq = 0;
};

// What a snapshot load does with each line; an Error stops reading (and the load).
using SnapshotSink = std::function<Result<void>(const SnapshotLine& line)>;

class FeedClient {
public:
    explicit FeedClient(ctl::Transport& transport) : transport_(transport) {}

    // PUT /changes/consumers/NAME: registers (an existing consumer stays as it is), with
    // acked_seq `ackedSeq` for a new one when given (else roomsd's current last_seq).
    Result<void> registerConsumer(const std::string& name, std::optional<std::int64_t> ackedSeq);
    // GET /changes?since=..&limit=..&wait=..
    Result<std::variant<ChangesPage, Trimmed>> changes(std::int64_t since, int limit, int waitSecs);
    // GET /changes/snapshot, each line to `sink` as it arrives. Ok only when the end line
    // came and its row count matches the rows sent; otherwise the load must be discarded.
    Result<void> snapshot(const SnapshotSink& sink);
    // POST /changes/consumers/NAME/ack {"seq": seq}.
    Result<void> ack(const std::string& name, std::int64_t seq);
    // Where roomsd is expected (its socket), for messages.
    std::string endpoint() const { return transport_.endpoint(); }

private:
    Error httpError(const std::string& what, const ctl::HttpReply& reply) const;

    ctl::Transport& transport_;
};

} // namespace roomsd::replicate
