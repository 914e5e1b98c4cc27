// StreamPass: one pass of one stream (rooms, sessions or participants).
//
// A pass walks every page of the stream's listing (filtered by updated_at for
// an incremental pass), upserting each page in one transaction as it arrives,
// and only when every page succeeded advances the stream's cursor, in one
// transaction with its sync_runs row. A pass that fails or is stopped leaves
// the old cursor, so the next pass does the work again.
//
// Records can move between offset-paginated pages while a pass runs. An
// incremental walk that saw fewer distinct records than the listing claimed is
// walked again (at most kMaxWalks times) and, if it still moves, completes
// without moving the cursor. A full walk (backfill or reconcile) instead asks
// upstream, record by record, about every live mirrored record it did not see:
// only a 404 marks a record deleted.
// Thread-safety: one pass at a time per writer connection.
#pragma once

#include <functional>
#include <optional>
#include <stop_token>

#include "common/result.hpp"
#include "model/records.hpp"
#include "store/mirror_writer.hpp"
#include "store/sync_state.hpp"
#include "sync/cursor.hpp"
#include "sync/sync_options.hpp"
#include "telnyx/page_source.hpp"

namespace roomsd::sync {

// What a pass needs; all owned elsewhere and outliving the pass.
struct PassEnvironment {
    telnyx::PageSource& source;
    store::MirrorWriter& writer;
    store::SyncStateStore& state;
    const SyncOptions& options;
    std::function<Timestamp()> clock = nowUtc;
};

struct PassReport {
    store::SyncRun run;         // as recorded in sync_runs
    std::optional<Error> error; // why the pass failed or stopped
};

inline constexpr int kMaxWalks = 3;

class StreamPass {
public:
    StreamPass(const model::RecordSchema& schema, PassEnvironment& env) : schema_(schema), env_(env) {}

    // Runs the pass and records it; never throws.
    PassReport run(std::stop_token stop);

private:
    struct Walk;
    Result<Walk> walk(const PassPlan& plan, std::stop_token stop, store::SyncRun& run);
    Result<void> consume(const telnyx::ListPage& page, Walk& walk, store::SyncRun& run);
    Result<void> verifyUnseen(std::stop_token stop, store::SyncRun& run);

    const model::RecordSchema& schema_;
    PassEnvironment& env_;
    std::optional<Timestamp> maxSeen_;
};

} // namespace roomsd::sync
