// PageSource: where a pass reads upstream from, a seam between the sync engine
// and the HTTP client.
//
// TelnyxClient implements it against the real API; the sync tests implement it
// with scripted pages (a listing that moves, meta that lies, 404s), so every
// rule of a pass is testable without a server.
// Thread-safety: listPage and getRecord may be called from several threads at
// once (a walk fetches pages concurrently); implementations say how they cope.
#pragma once

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string_view>

#include "common/digest.hpp"
#include "common/result.hpp"
#include "common/time.hpp"
#include "model/records.hpp"
#include "telnyx/parse.hpp"

namespace roomsd::telnyx {

struct ListQuery {
    std::optional<Date> updatedSince; // filter[date_updated_at][gte]=YYYY-MM-DD
    std::int64_t pageNumber = 1;      // page[number]
    int pageSize = 250;               // page[size]
    bool includeChildren = false;     // schema.includeChildParam=true (include_sessions / include_participants)
    // Not part of the request: whether the page's body is digested (ListPage::digest), and the
    // digest of a body seen before for this request, which, if the body has it again, comes back
    // unparsed (ListPage::unparsed) for the caller to replay what it learned from it then.
    bool digest = false;
    std::optional<Digest128> knownDigest;
};

// What the requests of a source have cost so far; a pass reports the difference.
struct SourceCounters {
    std::uint64_t requests = 0; // attempts, retries included
    std::uint64_t retries = 0;  // attempts that were tried again (a 429 or 5xx, say), however they ended
    std::uint64_t failed = 0;   // calls that ended in an error after their retries (a stop is none)
};

class PageSource {
public:
    virtual ~PageSource() = default;
    // One page of `schema`'s listing.
    virtual Result<ListPage> listPage(const model::RecordSchema& schema, const ListQuery& query,
                                      std::stop_token stop) = 0;
    // One record by id; nullopt when upstream answers that it does not exist (404).
    virtual Result<std::optional<model::MirrorRecord>> getRecord(const model::RecordSchema& schema, std::string_view id,
                                                                 std::stop_token stop) = 0;
    // Totals since the source was made.
    virtual SourceCounters counters() const = 0;
};

} // namespace roomsd::telnyx
