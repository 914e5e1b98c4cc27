// StreamPass: one pass of one stream (rooms, sessions or participants).
//
// A pass walks every page of the stream's listing (filtered by updated_at for
// an incremental pass), upserting each page in one transaction as it arrives,
// and only when every page succeeded advances the stream's cursor, in one
// transaction with its sync_runs row. A pass that fails or is stopped leaves
// the old cursor, so the next pass does the work again.
//
// Records can move between offset-paginated pages while a pass runs (a record
// created, deleted or updated shifts the ones behind it): a walk can then miss a
// record that existed the whole time. A walk is exact when it completed, every
// page gave the same meta.total_results, it saw that many distinct records, and
// none of them was created while it ran. Otherwise the listing is walked again,
// full or incremental alike, remembering what earlier walks saw; a re-walk
// settles the pass when it completed, found no record that existed before the
// pass and that earlier walks had missed, and the pass has seen at least as many
// records as the walk's smallest total. A listing that still moves after
// kMaxWalks walks ends the pass held: what was seen is written, the cursor stays.
// Only a settled full pass asks upstream, record by record, about the live
// mirrored records its last walk did not see: only a 404 marks a record deleted.
//
// A kind whose parent follows its children (a room's active_session_id) re-reads
// by id the parents of the children it wrote, unless the parent was written after
// the child last changed.
// Thread-safety: one pass at a time per writer connection.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <stop_token>

#include "common/result.hpp"
#include "model/records.hpp"
#include "store/mirror_writer.hpp"
#include "store/sync_state.hpp"
#include "sync/cursor.hpp"
#include "sync/page_cache.hpp"
#include "sync/pass_progress.hpp"
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
    PassProgress* progress = nullptr; // told how far the pass has got, when set
    PageCache* pages = nullptr;       // what earlier incremental passes learned from their pages, when set
};

struct PassReport {
    store::SyncRun run;         // as recorded in sync_runs
    std::optional<Error> error; // why the pass failed or stopped
};

inline constexpr int kMaxWalks = 3;
// Upstream's clock and ours may disagree by this much when a pass compares a record's
// created_at (or joined_at) with the time it began.
inline constexpr std::int64_t kCreationSkewMicros = kMicrosPerSecond;
// A parent is taken to show a child's change when it was written this long after the
// child's updated_at (our clock against upstream's, with room for upstream's to lag).
inline constexpr std::int64_t kParentSkewMicros = 15 * 60 * kMicrosPerSecond;
// A long pass logs how far it has got at most this often.
inline constexpr std::int64_t kProgressLogMicros = 5 * kMicrosPerSecond;
// At most this many parents are re-read by one pass; the rest are left (and logged).
inline constexpr std::size_t kMaxParentRereads = 10'000;

class StreamPass {
public:
    StreamPass(const model::RecordSchema& schema, PassEnvironment& env) : schema_(schema), env_(env) {}

    // Runs the pass and records it; never throws. `reconcile`: a full pass with the deletion
    // check whatever the schedule says.
    PassReport run(std::stop_token stop, bool reconcile = false);

private:
    struct Walk;
    Result<Walk> walk(const PassPlan& plan, int number, std::stop_token stop, store::SyncRun& run);
    Result<void> consume(const telnyx::ListPage& page, Walk& walk, store::SyncRun& run);
    // Consumes page `number` of the walk: replayed from the page cache when it came back unparsed
    // and nothing has changed its records since, parsed and consumed otherwise (and cached when
    // the walk caches and the page is clean).
    Result<void> take(telnyx::ListPage& page, std::int64_t number, Walk& walk, store::SyncRun& run);
    // Whether `cached` could be replayed for the walk (then it was); false when it must be parsed.
    Result<bool> replay(const CachedPage& cached, Walk& walk, store::SyncRun& run);
    // Stages a clean page of a caching walk, read for request `target`, in the page cache.
    void stageCached(const telnyx::ListPage& page, std::string target);
    Result<void> verifyUnseen(std::stop_token stop, store::SyncRun& run);
    Result<void> refreshParents(std::stop_token stop, store::SyncRun& run);
    // Applies the change log's retention after a pass; a failure is logged, not the pass's.
    void trimChanges(Timestamp now);
    void noteProgress(const Walk& walk, const store::SyncRun& run, Timestamp now);
    // What a walk takes from a page besides its records, consumed or replayed (the run's counters
    // already hold it): its meta's counts, and the page itself, for progress.
    void notePage(const std::optional<telnyx::PageMeta>& meta, Walk& walk, const store::SyncRun& run, Timestamp now);
    // Asks upstream for `id` of `schema` and writes what it says (a 404 marks it deleted);
    // false when the answer could not be had (logged, counted).
    Result<bool> reread(const model::RecordSchema& schema, const std::string& id, std::stop_token stop,
                        store::SyncRun& run, store::WriteCounts& written);
    // Writes what upstream answered for `id` (`found`, as getRecord gives it), as reread() does.
    Result<bool> applyReread(const model::RecordSchema& schema, const std::string& id,
                             Result<std::optional<model::MirrorRecord>> found, store::SyncRun& run,
                             store::WriteCounts& written);

    const model::RecordSchema& schema_;
    PassEnvironment& env_;
    Timestamp passStart_{};
    std::optional<Timestamp> maxSeen_;
    // Parents of the children this pass wrote, with the latest updated_at of those children.
    std::map<std::string, Timestamp, std::less<>> parentsTouched_;
    telnyx::SourceCounters sourceBefore_;
    Timestamp lastProgressLog_{};
    bool parentsOverflow_ = false;
    std::int64_t replayedPages_ = 0; // pages replayed from the page cache
};

} // namespace roomsd::sync
