// The three record kinds roomsd mirrors, described once as data.
//
// A RecordSchema lists the fields the Telnyx spec (rooms-openapi.yaml) gives a
// Room, RoomSession or RoomParticipant; the parser, the store's SQL and the
// query API are all driven by it, so a field is named in exactly one place.
// A MirrorRecord is one upstream record, checked and ready to store.
// Thread-safety: schemas are immutable statics; records are plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/time.hpp"

namespace roomsd::model {

enum class FieldType { String, Integer, Boolean, Timestamp };

struct FieldSpec {
    std::string_view name; // as in the spec, and as the SQL column
    FieldType type;
};

enum class Stream { Rooms, Sessions, Participants };

struct RecordSchema {
    Stream stream;
    std::string_view name;              // stream name in config, status and metrics: "rooms"
    std::string_view table;             // SQL table: "rooms"
    std::string_view recordType;        // upstream record_type: "room"
    std::string_view listPath;          // list endpoint below the base URL: "/rooms"
    std::string_view idParam;           // by-id path parameter name: "room_id"
    std::span<const FieldSpec> fields;  // every scalar field of the spec, "id" first
    std::string_view childKey;          // nested array key ("sessions"), empty if none
    const RecordSchema* child;          // schema of the nested records, or nullptr
    std::string_view includeChildParam; // query flag that embeds children ("include_sessions")
    std::string_view parentField;       // field naming the parent record ("room_id"), empty for rooms
};

const RecordSchema& roomsSchema();
const RecordSchema& sessionsSchema();
const RecordSchema& participantsSchema();
const RecordSchema& schemaFor(Stream stream);
// Rooms, sessions, participants: the order a full pass syncs them in.
std::span<const RecordSchema* const> allSchemas();
// The schema whose name() is `name`, or nullptr.
const RecordSchema* findSchema(std::string_view name);

// Index of `field` in schema.fields, or -1.
int fieldIndex(const RecordSchema& schema, std::string_view field);

// A column value: NULL, INTEGER, boolean (stored 0/1) or TEXT.
using FieldValue = std::variant<std::monostate, std::int64_t, bool, std::string>;

struct MirrorRecord {
    const RecordSchema* schema = nullptr;
    std::string id;
    std::vector<FieldValue> values;     // parallel to schema->fields; values[0] is the id
    std::optional<Timestamp> updatedAt; // parsed updated_at, when present and valid
    std::string upstreamJson;           // the upstream object without its nested array, keys sorted
    std::vector<std::string> problems;  // fields kept out of their column: "max_participants: expected integer"
    std::vector<MirrorRecord> children; // embedded sessions or participants

    // The value of `field`, or NULL when the schema has no such field.
    const FieldValue& value(std::string_view field) const;
};

} // namespace roomsd::model
