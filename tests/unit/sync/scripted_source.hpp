// ScriptedSource: a PageSource over an in-memory upstream, for StreamPass's tests.
//
// It answers like the API: listPage slices each stream's records (kept in a
// fixed order) by page[number] and page[size], after the updated_at date
// filter, with honest meta; getRecord answers a record upstream holds, and 404
// for one it does not. A test scripts the rest: a callback before each list
// request (to move the listing between pages), meta that lies, a listing that
// ignores page[number], an error at the Nth list request, and per-id answers
// to getRecord. Every body goes through telnyx::readListPage or
// parseRecordBody, so the records (and a body's digest) are what the real client makes.
// Thread-safety: listPage, getRecord, counters and the request logs may be
// called from any thread (one mutex); the callbacks run under that mutex, get
// the upstream to edit, and must not call the source. Set `upstream` and
// `script` only while no pass runs.
#pragma once

#include <boost/json/object.hpp>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "telnyx/page_source.hpp"

namespace roomsd::test {

// The records upstream holds, per stream, in listing order.
class Upstream {
public:
    std::vector<boost::json::object>& of(const model::RecordSchema& schema);
    void append(const model::RecordSchema& schema, boost::json::object record);
    // Inserts at the head of the listing, shifting every later record one place down.
    void prepend(const model::RecordSchema& schema, boost::json::object record);
    // Removes the record; false when there was none.
    bool remove(const model::RecordSchema& schema, std::string_view id);
    // The record, or nullptr.
    boost::json::object* find(const model::RecordSchema& schema, std::string_view id);

private:
    std::map<std::string, std::vector<boost::json::object>, std::less<>> streams_;
};

// How getRecord answers one id instead of looking it up upstream.
struct GetAnswer {
    std::optional<ErrorKind> error;            // this error,
    std::optional<boost::json::object> record; // else this record, else 404

    static GetAnswer notFound() { return {}; }
    static GetAnswer found(boost::json::object record) { return {std::nullopt, std::move(record)}; }
    static GetAnswer failure(ErrorKind kind) { return {kind, std::nullopt}; }
};

struct Script {
    // Runs before each list request is answered; `request` counts listPage calls from 1 (see clearLogs).
    std::function<void(const telnyx::ListQuery& query, int request, Upstream& upstream)> beforeList;
    // Runs before each getRecord is answered; `request` counts getRecord calls from 1 (see clearLogs).
    std::function<void(std::string_view id, int request)> beforeGet;
    std::optional<std::int64_t> totalPages;   // meta.total_pages claimed instead of the true count
    std::optional<std::int64_t> totalResults; // meta.total_results claimed instead of the true count
    bool omitMeta = false;                    // answer without a meta object
    bool ignorePageNumber = false;            // answer page 1's content (and meta) for every page
    std::map<int, ErrorKind> listErrors;      // list request number (as beforeList's) -> the error it answers
    std::map<std::string, GetAnswer, std::less<>> getAnswers;
};

class ScriptedSource final : public telnyx::PageSource {
public:
    Upstream upstream;
    Script script;

    Result<telnyx::ListPage> listPage(const model::RecordSchema& schema, const telnyx::ListQuery& query,
                                      std::stop_token stop) override;
    Result<std::optional<model::MirrorRecord>> getRecord(const model::RecordSchema& schema, std::string_view id,
                                                         std::stop_token stop) override;
    // Every answered call is one request; every error answered is a failed one.
    telnyx::SourceCounters counters() const override;

    // The page[number] of every listPage call so far, in arrival order (a call with its stop
    // already requested is logged too, though it makes no request).
    std::vector<std::int64_t> pagesRequested() const;
    // How many list answers so far were bodies of a digest the query knew (ListPage::unparsed).
    int unparsedPages() const;
    // The id of every getRecord call so far, in order (likewise).
    std::vector<std::string> idsRequested() const;
    // Forgets the request logs and numbers requests from 1 again (the counters go on), between two passes.
    void clearLogs();

private:
    mutable std::mutex mutex_;
    telnyx::SourceCounters counters_;
    std::vector<std::int64_t> pages_;
    std::vector<std::string> ids_;
    int unparsed_ = 0;
};

} // namespace roomsd::test
