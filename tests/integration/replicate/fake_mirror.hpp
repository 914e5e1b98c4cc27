// A stand-in for roomsd's change feed, written from the contract (feed-contract: GET /changes,
// GET /changes/snapshot, PUT and POST /changes/consumers), as a ctl::Transport: roomsd-replicate's
// library talks to it as to the socket. For the tests of the PostgreSQL side with hand-made
// changes; the end-to-end tests use the real roomsd.
// Thread-safety: every member may be called from any thread (one mutex).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "ctl/transport.hpp"
#include "replica_compare.hpp"

namespace roomsd::test {

// A mirror row of `kind` ("rooms", ...) with every column: the given ones, the rest NULL;
// upstream_json made of the given fields; synced_at the given time (or a fixed one).
boost::json::object mirrorRow(const std::string& kind, const std::string& id, const boost::json::object& fields,
                              const std::string& syncedAt = "2026-12-01T14:00:00.000000Z");

class FakeMirror final : public ctl::Transport {
public:
    // Records a change of `row` (insert, update, delete, restore) with the next seq.
    std::int64_t change(const std::string& kind, const std::string& op, boost::json::object row);
    // From now on, a since below `through` answers 410.
    void trimThrough(std::int64_t through);
    // The next `n` snapshots end without their end line.
    void cutSnapshots(int n);
    // The next `n` requests get no answer (as when roomsd is down or restarting).
    void refuseRequests(int n);
    // The mirror's state in canonical form, for one table.
    CanonicalTable table(const std::string& kind) const;
    std::int64_t lastSeq() const;
    std::int64_t acked(const std::string& consumer) const; // -1: not registered
    int snapshotsServed() const;
    int requests() const;

    Result<ctl::HttpReply> send(const ctl::HttpRequest& request) override;
    std::string endpoint() const override { return "fake-mirror"; }

private:
    mutable std::mutex mutex_;
    std::vector<boost::json::object> log_;
    std::map<std::pair<std::string, std::string>, boost::json::object> rows_; // (kind, id) -> row
    std::map<std::string, std::int64_t> consumers_;
    std::int64_t trimmed_ = 0;
    int cut_ = 0;
    int refuse_ = 0;
    int snapshots_ = 0;
    int requests_ = 0;
};

} // namespace roomsd::test
