// Pure parsing of Telnyx API response bodies into MirrorRecords.
//
// Every body is hostile until checked: a body that is not the expected JSON is
// an Error for that request; each record goes through model's recordFromJson
// (an element without a usable id is rejected with a reason, a field of the
// wrong type kept out of its column). Nothing here throws or touches the network.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/digest.hpp"
#include "common/result.hpp"
#include "model/records.hpp"
#include "telnyx/error_body.hpp"

namespace roomsd::telnyx {

// The pagination meta of a list response; each field only when present and an integer.
struct PageMeta {
    std::optional<std::int64_t> pageNumber;
    std::optional<std::int64_t> pageSize;
    std::optional<std::int64_t> totalPages;
    std::optional<std::int64_t> totalResults;
};

struct ListPage {
    std::vector<model::MirrorRecord> records;
    std::optional<PageMeta> meta;      // nullopt when the body has no meta object
    std::vector<std::string> rejected; // one reason per record (or embedded record) that could not be used
    std::size_t elementCount = 0;      // elements of the data array, usable or not
    // Set when the query asked for it (ListQuery::digest): the body's digest.
    std::optional<Digest128> digest;
    // The body was the one of ListQuery::knownDigest and was not parsed: everything above is
    // empty, and `body` holds it, for parseListPage if the caller needs the records after all.
    bool unparsed = false;
    std::string body;
};

// Parses a list body ({"data": [...], "meta": {...}}) of `schema`'s records.
Result<ListPage> parseListPage(const model::RecordSchema& schema, std::string_view body);

// A list body as PageSource::listPage answers it for a query's `digest` and `knownDigest`: the
// body digested when either is set, and not parsed (ListPage::unparsed) when its digest is `known`.
Result<ListPage> readListPage(const model::RecordSchema& schema, std::string_view body, bool digest,
                              const std::optional<Digest128>& known);

// Parses a by-id body ({"data": {...}}).
Result<model::MirrorRecord> parseRecordBody(const model::RecordSchema& schema, std::string_view body);

} // namespace roomsd::telnyx
