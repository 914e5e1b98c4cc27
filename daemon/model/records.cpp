// The record schemas as data, and what is derived from them (filter names, routes).
// Thread-safety: see records.hpp.
#include "model/records.hpp"

#include <array>

namespace roomsd::model {
namespace {

using enum FieldType;
using FilterKind::Date;
using FilterKind::Exact;

constexpr std::array kParticipantFields{
    FieldSpec{.name = "id", .type = String, .inDefaultTable = true},
    FieldSpec{.name = "session_id", .type = String},
    FieldSpec{.name = "context", .type = String, .inDefaultTable = true},
    FieldSpec{.name = "joined_at", .type = Timestamp, .inDefaultTable = true},
    FieldSpec{.name = "updated_at", .type = Timestamp},
    FieldSpec{.name = "left_at", .type = Timestamp, .inDefaultTable = true},
    FieldSpec{.name = "record_type", .type = String},
};

constexpr std::array kParticipantFilters{
    FilterSpec{.field = "session_id", .kind = Exact, .help = "participants of this session"},
    FilterSpec{.field = "context", .kind = Exact, .help = "participants with this context"},
    FilterSpec{.field = "joined_at", .kind = Date},
    FilterSpec{.field = "updated_at", .kind = Date},
    FilterSpec{.field = "left_at", .kind = Date},
};

constexpr std::array kSessionFields{
    FieldSpec{.name = "id", .type = String, .inDefaultTable = true},
    FieldSpec{.name = "room_id", .type = String, .inDefaultTable = true},
    FieldSpec{.name = "active", .type = Boolean, .inDefaultTable = true},
    FieldSpec{.name = "created_at", .type = Timestamp, .inDefaultTable = true},
    FieldSpec{.name = "updated_at", .type = Timestamp},
    FieldSpec{.name = "ended_at", .type = Timestamp},
    FieldSpec{.name = "record_type", .type = String},
};

constexpr std::array kSessionFilters{
    FilterSpec{.field = "room_id", .kind = Exact, .help = "sessions of this room"},
    FilterSpec{.field = "active", .kind = FilterKind::Boolean, .help = "true: sessions in progress; false: ended ones"},
    FilterSpec{.field = "created_at", .kind = Date},
    FilterSpec{.field = "updated_at", .kind = Date},
    FilterSpec{.field = "ended_at", .kind = Date},
};

constexpr std::array kRoomFields{
    FieldSpec{.name = "id", .type = String, .inDefaultTable = true},
    FieldSpec{.name = "unique_name", .type = String, .inDefaultTable = true},
    FieldSpec{.name = "max_participants", .type = Integer, .inDefaultTable = true},
    FieldSpec{.name = "enable_recording", .type = Boolean},
    FieldSpec{.name = "webhook_event_url", .type = String},
    FieldSpec{.name = "webhook_event_failover_url", .type = String},
    FieldSpec{.name = "webhook_timeout_secs", .type = Integer, .minimum = 0, .maximum = 30},
    FieldSpec{.name = "active_session_id", .type = String},
    FieldSpec{.name = "created_at", .type = Timestamp, .inDefaultTable = true},
    FieldSpec{.name = "updated_at", .type = Timestamp},
    FieldSpec{.name = "record_type", .type = String},
};

constexpr std::array kRoomFilters{
    FilterSpec{.field = "unique_name", .kind = Exact, .help = "rooms with this unique name"},
    FilterSpec{.field = "created_at", .kind = Date},
    FilterSpec{.field = "updated_at", .kind = Date},
};

const RecordSchema kParticipants{
    .stream = Stream::Participants,
    .name = "participants",
    .table = "room_participants",
    .recordType = "room_participant",
    .listPath = "/room_participants",
    .idParam = "room_participant_id",
    .fields = kParticipantFields,
    .orderField = "joined_at",
    .createdField = "joined_at",
    .filters = kParticipantFilters,
    .parentField = "session_id",
};

const RecordSchema kSessions{
    .stream = Stream::Sessions,
    .name = "sessions",
    .table = "room_sessions",
    .recordType = "room_session",
    .listPath = "/room_sessions",
    .idParam = "room_session_id",
    .fields = kSessionFields,
    .orderField = "created_at",
    .createdField = "created_at",
    .filters = kSessionFilters,
    .childKey = "participants",
    .child = &kParticipants,
    .includeChildParam = "include_participants",
    .childPath = "participants",
    .parentField = "room_id",
    .parentFollowsChildren = true,
};

const RecordSchema kRooms{
    .stream = Stream::Rooms,
    .name = "rooms",
    .table = "rooms",
    .recordType = "room",
    .listPath = "/rooms",
    .idParam = "room_id",
    .fields = kRoomFields,
    .orderField = "created_at",
    .createdField = "created_at",
    .filters = kRoomFilters,
    .childKey = "sessions",
    .child = &kSessions,
    .includeChildParam = "include_sessions",
    .childPath = "sessions",
};

const std::array<const RecordSchema*, 3> kAll{&kRooms, &kSessions, &kParticipants};

// Every schema's list and by-id route, and the nested list below a parent that has children.
const std::vector<TelnyxRoute> kRoutes = [] {
    std::vector<TelnyxRoute> routes;
    for (const RecordSchema* schema : kAll) {
        routes.push_back({RouteKind::List, schema, nullptr});
        routes.push_back({RouteKind::ById, schema, nullptr});
        if (schema->child != nullptr) routes.push_back({RouteKind::Nested, schema->child, schema});
    }
    return routes;
}();

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

const RecordSchema* parentOf(const RecordSchema& schema) {
    for (const RecordSchema* candidate : kAll)
        if (candidate->child == &schema) return candidate;
    return nullptr;
}

int fieldIndex(const RecordSchema& schema, std::string_view field) {
    for (std::size_t i = 0; i < schema.fields.size(); ++i)
        if (schema.fields[i].name == field) return static_cast<int>(i);
    return -1;
}

const FieldSpec* findField(const RecordSchema& schema, std::string_view field) {
    int index = fieldIndex(schema, field);
    return index < 0 ? nullptr : &schema.fields[static_cast<std::size_t>(index)];
}

std::string_view toString(DateOp op) noexcept {
    switch (op) {
    case DateOp::Eq: return "eq";
    case DateOp::Gte: return "gte";
    case DateOp::Lte: return "lte";
    }
    return "eq";
}

std::string filterParameter(const FilterSpec& filter, DateOp op) {
    if (filter.kind == FilterKind::Date)
        return "filter[date_" + std::string(filter.field) + "][" + std::string(toString(op)) + "]";
    return "filter[" + std::string(filter.field) + "]";
}

std::string TelnyxRoute::pattern() const {
    switch (kind) {
    case RouteKind::List: return std::string(schema->listPath);
    case RouteKind::ById: return std::string(schema->listPath) + "/{" + std::string(schema->idParam) + "}";
    case RouteKind::Nested:
        return std::string(parent->listPath) + "/{" + std::string(parent->idParam) + "}/" +
               std::string(parent->childPath);
    }
    return {};
}

std::vector<const FilterSpec*> TelnyxRoute::filters() const {
    std::vector<const FilterSpec*> out;
    if (kind == RouteKind::ById) return out;
    for (const FilterSpec& filter : schema->filters)
        if (!(kind == RouteKind::Nested && filter.field == schema->parentField)) out.push_back(&filter);
    return out;
}

std::span<const TelnyxRoute> telnyxRoutes() { return kRoutes; }

const FieldValue& MirrorRecord::value(std::string_view field) const {
    if (schema == nullptr) return kNull;
    int index = fieldIndex(*schema, field);
    if (index < 0 || static_cast<std::size_t>(index) >= values.size()) return kNull;
    return values[static_cast<std::size_t>(index)];
}

} // namespace roomsd::model
