// roomsd-replicate's work: keeps a PostgreSQL schema equal to roomsd's mirror by following
// its change feed.
//
// On the first start (no position in replica_state), after a 410 (the log was trimmed past
// the position), when a data table had to be re-created, or when roomsd's log is behind the
// position (a new mirror), it loads a snapshot in one transaction; then it asks for the
// changes after its position, applies each page in one transaction with the new position,
// and acknowledges it to roomsd after the commit (a retention hint only: the position that
// counts is PostgreSQL's). A lost PostgreSQL connection or an unreachable roomsd is retried
// with a capped backoff, from the committed position. A table of a foreign shape, a row the
// replica cannot represent, a refused login or statement end the run with an Error.
// Thread-safety: run() on one thread; the stop token may be set from any.
#pragma once

#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>

#include "common/result.hpp"
#include "common/secret.hpp"
#include "ctl/transport.hpp"

namespace roomsd::replicate {

struct ReplicatorOptions {
    std::string schema = "roomsd";
    std::string consumer = "replica";
    int batch = 1000;
    int waitSecs = 30;
};

// What the replicator tells its host (systemd's READY and STATUS, in roomsd-replicate).
struct ReplicatorEvents {
    std::function<void(const std::string& status)> ready;  // once: connected, schema checked, following
    std::function<void(const std::string& status)> status; // after each snapshot and page
};

class Replicator {
public:
    Replicator(ReplicatorOptions options, Secret conninfo, ctl::Transport& mirror, ReplicatorEvents events = {});

    // Runs until `stop` (answers ok) or a failure that retrying cannot fix (answers it).
    Result<void> run(std::stop_token stop);

private:
    ReplicatorOptions options_;
    Secret conninfo_;
    ctl::Transport& mirror_;
    ReplicatorEvents events_;
};

} // namespace roomsd::replicate
