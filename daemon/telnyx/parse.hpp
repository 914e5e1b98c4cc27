// Pure parsing of Telnyx API response bodies into MirrorRecords.
//
// Every body is hostile until checked: a body that is not the expected JSON is
// an Error for that request, an element without a usable id is rejected with a
// reason, and a field of the wrong type is kept out of its column (but stays in
// the record's upstream JSON). Nothing here throws or touches the network.
// Thread-safety: pure functions.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/records.hpp"

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
};

// Parses a list body ({"data": [...], "meta": {...}}) of `schema`'s records.
Result<ListPage> parseListPage(const model::RecordSchema& schema, std::string_view body);

// Parses a by-id body ({"data": {...}}).
Result<model::MirrorRecord> parseRecordBody(const model::RecordSchema& schema, std::string_view body);

// Turns one JSON object into a record; an Error when it has no usable id or the
// wrong record_type. Embedded children that are unusable land in `rejected`.
Result<model::MirrorRecord> parseRecord(const model::RecordSchema& schema, const boost::json::value& value,
                                        std::vector<std::string>& rejected);

// A one-line summary of an error body of any of the spec's shapes
// (video_Errors, video_Error, video_GenericErrorResponse) or of anything else.
std::string describeErrorBody(std::string_view body);

// `value` serialized with object keys sorted at every level, so that the same
// content always gives the same text; a non-finite number is written as null.
std::string canonicalJson(const boost::json::value& value);

} // namespace roomsd::telnyx
