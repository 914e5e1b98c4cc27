// The three record kinds the simulator serves, described once as data.
//
// A StreamSchema lists the fields the spec (tests/fixtures/telnyx/rooms-openapi.yaml)
// gives a Room, RoomSession or RoomParticipant, in the order Telnyx's documentation
// shows them; rendering, mutation and filtering are all driven by it. A Record is one
// stored record: its id and one value per schema field.
// Thread-safety: schemas are immutable statics; records are plain values.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/time.hpp"

namespace roomsd::sim {

enum class Stream { Rooms, Sessions, Participants };

enum class FieldType { String, Integer, Boolean, Timestamp };

// What a created record gets for a field the request leaves out.
enum class FieldDefault { Null, False, EmptyString, Now };

struct FieldSpec {
    std::string_view name;
    FieldType type;
    FieldDefault fallback = FieldDefault::Null;
    std::optional<std::int64_t> minimum; // for integers, as the spec bounds them
    std::optional<std::int64_t> maximum;
};

struct StreamSchema {
    Stream stream;
    std::string_view name;             // "rooms", as in /_sim/account and /_sim/mutate
    std::string_view recordType;       // "room"
    std::span<const FieldSpec> fields; // every field but "id" and "record_type"
    std::string_view childKey;         // "sessions", "participants" or empty
    std::string_view childAfter;       // the field the nested array follows in the output
    std::string_view parentField;      // "room_id", "session_id" or empty
    std::string_view orderField;       // newest first by this field, then id ascending
};

const StreamSchema& schemaOf(Stream stream);
// The schema named `name` ("rooms", "room_sessions", "room_participants"), or nullptr.
const StreamSchema* findSchema(std::string_view name);
// The field named `name`, or nullptr ("id" and "record_type" are not fields).
const FieldSpec* findField(const StreamSchema& schema, std::string_view name);
// Index of `name` in schema.fields; the field must exist.
std::size_t fieldIndex(const StreamSchema& schema, std::string_view name);

using FieldValue = std::variant<std::monostate, std::string, std::int64_t, bool, Timestamp>;

struct Record {
    std::string id;
    std::vector<FieldValue> values; // parallel to schema.fields
    // Fields the spec does not list, as if upstream added them later: name -> JSON text.
    // Rendered after record_type, so a mirror's "keep what you do not know" can be tested.
    std::map<std::string, std::string> extra;
};

// A record of `schema` with every field null.
Record emptyRecord(const StreamSchema& schema, std::string id);

const FieldValue& valueOf(const StreamSchema& schema, const Record& record, std::string_view field);
void setValue(const StreamSchema& schema, Record& record, std::string_view field, FieldValue value);
// The timestamp in `field`, nullopt when it is null.
std::optional<Timestamp> timestampOf(const StreamSchema& schema, const Record& record, std::string_view field);
// The string in `field`, nullptr when it is null.
const std::string* stringOf(const StreamSchema& schema, const Record& record, std::string_view field);

// The record as the API renders it: every field (null where null), the nested array
// `children` after schema.childAfter (streams without one ignore it), record_type last.
boost::json::object renderRecord(const StreamSchema& schema, const Record& record, boost::json::array children);

// Converts a JSON value for `field`; nullopt with `problem` set when the type or
// range is wrong. Timestamps are accepted in any ISO 8601 form and kept as instants.
std::optional<FieldValue> fieldValueFromJson(const FieldSpec& field, const boost::json::value& value,
                                             std::string& problem);

// The documented order: `orderField` descending with nulls last, then id ascending.
bool comesBefore(const StreamSchema& schema, const Record& a, const Record& b);

} // namespace roomsd::sim
