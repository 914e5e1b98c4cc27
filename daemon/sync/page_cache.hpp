// PageCache: what incremental passes learned from the pages they read, so that the next pass,
// sent the same bytes for the same request, replays the page instead of parsing it and comparing
// every record with its stored copy (a no-change poll re-reads the days before the cursor, since
// the API filters by date: about 20 µs a record).
//
// An entry is the page's body digest, the change log's last seq once the page was applied, its
// records' ids, the latest updated_at and created_at among them, and its meta. Replaying it is
// right only if the stored rows of those ids are still what applying the same bytes would leave:
// nothing has changed them since that seq (StreamPass asks the change log, where every write of
// a record appends a change), and the page's writes were committed: entries are staged while a
// walk runs and become usable only once its writes are (commit()), and a failed walk drops them
// (discard()). Only clean pages are cached (no rejected element, no field kept out of its column,
// no embedded record), at most kMaxIds ids in all; entries a pass of their stream did not use are
// dropped when it commits (yesterday's filter date, pages past the listing's end).
// Memory only: a restarted daemon pays one full poll.
// Thread-safety: every member locks; find() is called from a walk's fetching threads.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.hpp"
#include "common/time.hpp"
#include "telnyx/parse.hpp"

namespace roomsd::sync {

struct CachedPage {
    Digest128 digest;
    std::int64_t changeSeq = 0;
    std::string ids; // the records' ids in page order, each followed by '\n' (never in an id)
    std::size_t count = 0;
    std::optional<Timestamp> maxUpdated;
    std::optional<Timestamp> maxCreated;
    std::optional<telnyx::PageMeta> meta;

    // Calls f(std::string_view id) for each id, in page order.
    template <class F>
    void forEachId(F&& f) const {
        std::size_t from = 0;
        for (std::size_t i = 0; i < count; ++i) {
            std::size_t end = ids.find('\n', from);
            f(std::string_view(ids).substr(from, end - from));
            from = end + 1;
        }
    }
};

class PageCache {
public:
    static constexpr std::size_t kMaxIds = 300'000; // some 12 MB of ids

    // The committed entry for request `target` (a key that names the request: its path, query and
    // page), or nullopt; marks it used by the current pass of its stream.
    std::optional<CachedPage> find(const std::string& target);
    // The digest of find(target)'s page, without copying the rest.
    std::optional<Digest128> digestFor(const std::string& target);
    // Stages what a walk of `stream` learned from `target`'s page.
    void stage(std::string_view stream, std::string target, CachedPage page);
    // The walk's writes are committed: its staged entries replace those of their targets, and
    // the stream's entries it neither used nor staged are dropped.
    void commit(std::string_view stream);
    // The walk failed: its staged entries are dropped (the others stay).
    void discard(std::string_view stream);

    std::size_t size() const;

private:
    struct Entry {
        std::string stream;
        CachedPage page;
        bool used = false;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Entry, std::less<>> entries_;
    std::map<std::string, Entry, std::less<>> staged_;
    std::size_t ids_ = 0; // ids held by entries_ and staged_
};

} // namespace roomsd::sync
