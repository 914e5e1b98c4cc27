// The three record kinds the simulator serves, as data read from the spec.
//
// A StreamSchema is what the spec (tests/fixtures/telnyx/rooms-openapi.yaml) says of a
// Room, RoomSession or RoomParticipant: its properties in the spec's order, each scalar
// one a FieldSpec (type, bounds, default), the nested array of child records and the
// record_type. spec.cpp builds them; rendering, mutation and filtering are driven by
// them. A Record is one stored record: its id and one value per schema field.
// Thread-safety: schemas are immutable once loaded; records are plain values.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/time.hpp"

namespace roomsd::sim {

enum class Stream { Rooms, Sessions, Participants };

enum class FieldType { String, Integer, Boolean, Timestamp };

// What a created record gets for a field the request leaves out: the spec's `default`
// (null, false, ''), or now for the timestamps the simulator stamps itself.
enum class FieldDefault { Null, False, EmptyString, Now };

struct FieldSpec {
    std::string name;
    FieldType type = FieldType::String;
    FieldDefault fallback = FieldDefault::Null;
    std::optional<std::int64_t> minimum; // for integers, as the spec bounds them
    std::optional<std::int64_t> maximum;
};

struct StreamSchema {
    Stream stream = Stream::Rooms;
    std::string name;                // the collection path: "rooms", as in /_sim/account and /_sim/mutate
    std::string schemaName;          // the component: "Room"
    std::string recordType;          // record_type's example: "room"
    std::vector<FieldSpec> fields;   // every scalar property but "id" and "record_type"
    std::vector<std::string> layout; // every property, in the spec's order: how a record renders
    std::string childKey;            // the array of embedded child records ("sessions"), or empty
    std::string parentField;         // the field naming the parent record ("room_id"), or empty
    std::string orderField;          // newest first by this field, then id ascending (the sim's choice)
};

// The field named `name`, or nullptr ("id" and "record_type" are not fields).
const FieldSpec* findField(const StreamSchema& schema, std::string_view name);
// Index of `name` in schema.fields; the field must exist.
std::size_t fieldIndex(const StreamSchema& schema, std::string_view name);

using FieldValue = std::variant<std::monostate, std::string, std::int64_t, bool, Timestamp>;

struct Record {
    std::string id;
    std::vector<FieldValue> values; // parallel to schema.fields
    // Fields the spec does not list, as if upstream added them later: name -> JSON text.
    // Rendered after the spec's properties, so a mirror's "keep what you do not know" can be tested.
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

// The record as the API renders it: every property in the spec's order (null where
// null, `children` as the nested array), then the extra fields.
boost::json::object renderRecord(const StreamSchema& schema, const Record& record, boost::json::array children);

// Converts a JSON value for `field`; nullopt with `problem` set when the type or
// range is wrong. Timestamps are accepted in any ISO 8601 form and kept as instants.
std::optional<FieldValue> fieldValueFromJson(const FieldSpec& field, const boost::json::value& value,
                                             std::string& problem);

} // namespace roomsd::sim
