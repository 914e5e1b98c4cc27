#include "records.hpp"

#include <boost/json.hpp>
#include <stdexcept>

namespace roomsd::sim {
namespace {

namespace json = boost::json;

constexpr FieldSpec kRoomFields[] = {
    {"max_participants", FieldType::Integer, FieldDefault::Null, {}, {}},
    {"unique_name", FieldType::String, FieldDefault::Null, {}, {}},
    {"created_at", FieldType::Timestamp, FieldDefault::Now, {}, {}},
    {"updated_at", FieldType::Timestamp, FieldDefault::Now, {}, {}},
    {"active_session_id", FieldType::String, FieldDefault::Null, {}, {}},
    {"enable_recording", FieldType::Boolean, FieldDefault::False, {}, {}},
    {"webhook_event_url", FieldType::String, FieldDefault::Null, {}, {}},
    {"webhook_event_failover_url", FieldType::String, FieldDefault::EmptyString, {}, {}},
    {"webhook_timeout_secs", FieldType::Integer, FieldDefault::Null, 0, 30},
};

constexpr FieldSpec kSessionFields[] = {
    {"room_id", FieldType::String, FieldDefault::Null, {}, {}},
    {"active", FieldType::Boolean, FieldDefault::False, {}, {}},
    {"created_at", FieldType::Timestamp, FieldDefault::Now, {}, {}},
    {"updated_at", FieldType::Timestamp, FieldDefault::Now, {}, {}},
    {"ended_at", FieldType::Timestamp, FieldDefault::Null, {}, {}},
};

constexpr FieldSpec kParticipantFields[] = {
    {"session_id", FieldType::String, FieldDefault::Null, {}, {}},
    {"context", FieldType::String, FieldDefault::Null, {}, {}},
    {"joined_at", FieldType::Timestamp, FieldDefault::Now, {}, {}},
    {"updated_at", FieldType::Timestamp, FieldDefault::Now, {}, {}},
    {"left_at", FieldType::Timestamp, FieldDefault::Null, {}, {}},
};

const StreamSchema kRooms{Stream::Rooms,       "rooms", "room",      kRoomFields, "sessions",
                          "active_session_id", "",      "created_at"};
const StreamSchema kSessions{Stream::Sessions, "room_sessions", "room_session", kSessionFields,
                             "participants",   "ended_at",      "room_id",      "created_at"};
const StreamSchema kParticipants{
    Stream::Participants, "room_participants", "room_participant", kParticipantFields, "", "",
    "session_id",         "joined_at"};

json::value toJson(const FieldValue& value) {
    struct Visitor {
        json::value operator()(std::monostate) const { return nullptr; }
        json::value operator()(const std::string& s) const { return json::string(s); }
        json::value operator()(std::int64_t n) const { return n; }
        json::value operator()(bool b) const { return b; }
        json::value operator()(Timestamp t) const { return json::string(formatTimestamp(t)); }
    };
    return std::visit(Visitor{}, value);
}

} // namespace

const StreamSchema& schemaOf(Stream stream) {
    switch (stream) {
    case Stream::Rooms: return kRooms;
    case Stream::Sessions: return kSessions;
    case Stream::Participants: return kParticipants;
    }
    throw std::logic_error("unknown stream");
}

const StreamSchema* findSchema(std::string_view name) {
    for (const StreamSchema* schema : {&kRooms, &kSessions, &kParticipants})
        if (schema->name == name) return schema;
    return nullptr;
}

const FieldSpec* findField(const StreamSchema& schema, std::string_view name) {
    for (const FieldSpec& field : schema.fields)
        if (field.name == name) return &field;
    return nullptr;
}

std::size_t fieldIndex(const StreamSchema& schema, std::string_view name) {
    for (std::size_t i = 0; i < schema.fields.size(); ++i)
        if (schema.fields[i].name == name) return i;
    throw std::logic_error("no field " + std::string(name) + " in " + std::string(schema.name));
}

Record emptyRecord(const StreamSchema& schema, std::string id) {
    return Record{std::move(id), std::vector<FieldValue>(schema.fields.size()), {}};
}

const FieldValue& valueOf(const StreamSchema& schema, const Record& record, std::string_view field) {
    return record.values.at(fieldIndex(schema, field));
}

void setValue(const StreamSchema& schema, Record& record, std::string_view field, FieldValue value) {
    record.values.at(fieldIndex(schema, field)) = std::move(value);
}

std::optional<Timestamp> timestampOf(const StreamSchema& schema, const Record& record, std::string_view field) {
    if (const auto* t = std::get_if<Timestamp>(&valueOf(schema, record, field))) return *t;
    return std::nullopt;
}

const std::string* stringOf(const StreamSchema& schema, const Record& record, std::string_view field) {
    return std::get_if<std::string>(&valueOf(schema, record, field));
}

json::object renderRecord(const StreamSchema& schema, const Record& record, json::array children) {
    json::object out;
    out["id"] = record.id;
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
        out[schema.fields[i].name] = toJson(record.values[i]);
        if (schema.fields[i].name == schema.childAfter) out[schema.childKey] = std::move(children);
    }
    out["record_type"] = schema.recordType;
    for (const auto& [name, text] : record.extra) out[name] = json::parse(text);
    return out;
}

std::optional<FieldValue> fieldValueFromJson(const FieldSpec& field, const json::value& value, std::string& problem) {
    if (value.is_null()) return FieldValue{};
    switch (field.type) {
    case FieldType::String:
        if (value.is_string()) return FieldValue{std::string(value.as_string())};
        problem = std::string(field.name) + " must be a string or null";
        return std::nullopt;
    case FieldType::Boolean:
        if (value.is_bool()) return FieldValue{value.as_bool()};
        problem = std::string(field.name) + " must be true, false or null";
        return std::nullopt;
    case FieldType::Timestamp:
        if (value.is_string())
            if (auto t = parseTimestamp(value.as_string())) return FieldValue{*t};
        problem = std::string(field.name) + " must be an ISO 8601 date-time or null";
        return std::nullopt;
    case FieldType::Integer: {
        std::optional<std::int64_t> n;
        if (value.is_int64()) n = value.as_int64();
        if (value.is_uint64() && value.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
            n = static_cast<std::int64_t>(value.as_uint64());
        bool inRange = n && (!field.minimum || *n >= *field.minimum) && (!field.maximum || *n <= *field.maximum);
        if (inRange) return FieldValue{*n};
        problem = std::string(field.name) + " must be an integer" +
                  (field.minimum && field.maximum
                       ? " in " + std::to_string(*field.minimum) + ".." + std::to_string(*field.maximum)
                       : std::string()) +
                  " or null";
        return std::nullopt;
    }
    }
    problem = "unsupported field type";
    return std::nullopt;
}

bool comesBefore(const StreamSchema& schema, const Record& a, const Record& b) {
    auto ta = timestampOf(schema, a, schema.orderField);
    auto tb = timestampOf(schema, b, schema.orderField);
    if (ta != tb) {
        if (!ta) return false; // nulls last
        if (!tb) return true;
        return *ta > *tb;
    }
    return a.id < b.id;
}

} // namespace roomsd::sim
