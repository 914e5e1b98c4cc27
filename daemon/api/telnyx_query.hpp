// Query strings of the Telnyx-compatible routes: the parameters each one takes
// in rooms-openapi.yaml, as model's RecordSchema describes them, validated as
// Telnyx validates them.
//
// Names are the spec's deepObject names (filter[date_created_at][gte],
// page[size], ...), brackets raw or percent-encoded, '+' a space in values;
// the last occurrence of a name wins. A parameter a route does not take is
// ignored, as upstream ignores it; a known one with a bad value is refused
// (422 with the parameter named). The first bad parameter is reported, in the
// order: page[size], page[number], include flag, date filters, exact filters,
// boolean filters.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "model/records.hpp"
#include "store/mirror_reader.hpp"

namespace roomsd::api {

// The read a Telnyx route asks for, `id` being its path id (the parent id of a
// nested list). For a by-id route only schema and includeChildren matter.
// A refusal is ErrorKind::Usage with Error::parameter naming the parameter.
Result<store::ListRequest> parseTelnyxQuery(const model::TelnyxRoute& route, const std::string& id,
                                            std::string_view query);

} // namespace roomsd::api
