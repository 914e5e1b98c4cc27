// Telnyx-shaped response bodies from stored records.
//
// A record is rendered from its upstream JSON (so a field upstream added later
// is served too): "id" first, its other fields, its nested array ("sessions" or
// "participants": the embedded children, or [] when they were not asked for,
// as Telnyx does) and "record_type" last. Lists carry Telnyx's pagination meta.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "model/records.hpp"
#include "store/mirror_reader.hpp"

namespace roomsd::api {

// {"data":[...],"meta":{"page_number","page_size","total_pages","total_results"}}
Result<std::string> renderListBody(const model::RecordSchema& schema, const store::RecordPage& page,
                                   std::int64_t pageNumber, std::int64_t pageSize);

// {"data":{...}}
Result<std::string> renderRecordBody(const model::RecordSchema& schema, const store::StoredRecord& record);

// The spec's video_Error for an unknown id: {"code":"10005","title":"Resource not found","detail":...}.
std::string resourceNotFoundBody(const model::RecordSchema& schema, std::string_view id);

} // namespace roomsd::api
