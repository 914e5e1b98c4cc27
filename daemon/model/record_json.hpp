// Upstream JSON to MirrorRecords: the one conversion of a record's fields, used
// by the Telnyx client for what upstream sends and by the store when a new
// column is filled from the upstream JSON it already holds.
//
// Every value is hostile until checked: an element without a usable id or with
// the wrong record_type is an Error, and a field of the wrong type is kept out
// of its column (but stays in the record's upstream JSON). Nothing throws.
// Thread-safety: pure functions.
#pragma once

#include <boost/json/fwd.hpp>

#include <string>
#include <vector>

#include "common/result.hpp"
#include "model/records.hpp"

namespace roomsd::model {

// Turns one JSON object into a record of `schema`, its embedded children too;
// children that are unusable land in `rejected` with the reason.
Result<MirrorRecord> recordFromJson(const RecordSchema& schema, const boost::json::value& value,
                                    std::vector<std::string>& rejected);

// `value` serialized with object keys sorted at every level, so that the same
// content always gives the same text; a non-finite number is written as null.
std::string canonicalJson(const boost::json::value& value);

// "null", "integer", "object", ...: the JSON kind of `value`, for messages.
const char* jsonKindName(const boost::json::value& value);

} // namespace roomsd::model
