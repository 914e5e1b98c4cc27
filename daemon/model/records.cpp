#include "model/records.hpp"

#include <array>

namespace roomsd::model {
namespace {

using enum FieldType;

constexpr std::array kParticipantFields{
    FieldSpec{"id", String},           FieldSpec{"session_id", String},    FieldSpec{"context", String},
    FieldSpec{"joined_at", Timestamp}, FieldSpec{"updated_at", Timestamp}, FieldSpec{"left_at", Timestamp},
    FieldSpec{"record_type", String},
};

constexpr std::array kSessionFields{
    FieldSpec{"id", String},
    FieldSpec{"room_id", String},
    FieldSpec{"active", Boolean},
    FieldSpec{"created_at", Timestamp},
    FieldSpec{"updated_at", Timestamp},
    FieldSpec{"ended_at", Timestamp},
    FieldSpec{"record_type", String},
};

constexpr std::array kRoomFields{
    FieldSpec{"id", String},
    FieldSpec{"unique_name", String},
    FieldSpec{"max_participants", Integer},
    FieldSpec{"enable_recording", Boolean},
    FieldSpec{"webhook_event_url", String},
    FieldSpec{"webhook_event_failover_url", String},
    FieldSpec{"webhook_timeout_secs", Integer},
    FieldSpec{"active_session_id", String},
    FieldSpec{"created_at", Timestamp},
    FieldSpec{"updated_at", Timestamp},
    FieldSpec{"record_type", String},
};

const RecordSchema kParticipants{Stream::Participants,
                                 "participants",
                                 "room_participants",
                                 "room_participant",
                                 "/room_participants",
                                 "room_participant_id",
                                 kParticipantFields,
                                 "",
                                 nullptr,
                                 "",
                                 "session_id"};
const RecordSchema kSessions{Stream::Sessions,  "sessions",     "room_sessions", "room_session", "/room_sessions",
                             "room_session_id", kSessionFields, "participants",  &kParticipants, "include_participants",
                             "room_id"};
const RecordSchema kRooms{
    Stream::Rooms,      "rooms", "rooms", "room", "/rooms", "room_id", kRoomFields, "sessions", &kSessions,
    "include_sessions", ""};

const std::array<const RecordSchema*, 3> kAll{&kRooms, &kSessions, &kParticipants};

const FieldValue kNull{};

} // namespace

const RecordSchema& roomsSchema() { return kRooms; }
const RecordSchema& sessionsSchema() { return kSessions; }
const RecordSchema& participantsSchema() { return kParticipants; }

const RecordSchema& schemaFor(Stream stream) {
    switch (stream) {
    case Stream::Rooms: return kRooms;
    case Stream::Sessions: return kSessions;
    case Stream::Participants: return kParticipants;
    }
    return kRooms;
}

std::span<const RecordSchema* const> allSchemas() { return kAll; }

const RecordSchema* findSchema(std::string_view name) {
    for (const RecordSchema* schema : kAll)
        if (schema->name == name) return schema;
    return nullptr;
}

int fieldIndex(const RecordSchema& schema, std::string_view field) {
    for (std::size_t i = 0; i < schema.fields.size(); ++i)
        if (schema.fields[i].name == field) return static_cast<int>(i);
    return -1;
}

const FieldValue& MirrorRecord::value(std::string_view field) const {
    if (schema == nullptr) return kNull;
    int index = fieldIndex(*schema, field);
    if (index < 0 || static_cast<std::size_t>(index) >= values.size()) return kNull;
    return values[static_cast<std::size_t>(index)];
}

} // namespace roomsd::model
