// The vendored Telnyx spec (tests/fixtures/telnyx/rooms-openapi.yaml), for tests
// that check parsers and servers against the spec's own examples and schemas.
#pragma once

#include <boost/json.hpp>
#include <string>

namespace roomsd::test {

// components.schemas.<name>.example, converted to JSON ("Room", "RoomSession", "RoomParticipant").
boost::json::value specExample(const std::string& schemaName);

// The spec document as JSON (YAML scalars typed as YAML 1.2 core: quoted ones stay strings).
const boost::json::value& specDocument();

// Checks `record` against components.schemas.<schemaName>: every property present has
// the declared type (null allowed), format date-time/uuid/date where declared, and
// integer bounds; nested arrays checked against their item schema. Returns the
// problems found, empty when the record conforms.
std::vector<std::string> checkAgainstSchema(const std::string& schemaName, const boost::json::value& record);

} // namespace roomsd::test
