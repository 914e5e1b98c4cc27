// The three record kinds roomsd mirrors, described once as data.
//
// A RecordSchema is everything roomsd knows about one kind from the Telnyx
// spec (rooms-openapi.yaml): its fields and their types, the order the mirror
// lists it in, the filters of its list routes, its include flag, its parent and
// child, and the page-size bounds. The parser, the store's SQL, the query API's
// routes and parameter validation, and roomsctl's flags and columns are all
// derived from it; tests/unit/model/spec_test.cpp checks it against the spec.
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
    std::optional<std::int64_t> minimum = std::nullopt; // integer bounds the spec gives
    std::optional<std::int64_t> maximum = std::nullopt;
    // Among roomsctl's default table columns, chosen so that a table of the kind fits in
    // 120 characters with typical values (ids are 36, timestamps up to 27 characters).
    bool inDefaultTable = false;
};

// How a list route filters on a field.
enum class FilterKind {
    Date,    // filter[date_<field>][eq|gte|lte]=YYYY-MM-DD, compared with the field's UTC date
    Exact,   // filter[<field>]=text, the whole value, case-sensitively
    Boolean, // filter[<field>]=true|false
};

enum class DateOp { Eq, Gte, Lte };

struct FilterSpec {
    std::string_view field; // the record field compared
    FilterKind kind;
    std::string_view help = ""; // for roomsctl's --help; dates describe themselves
};

// page[size] and page[number] of every list route.
struct PageBounds {
    std::int64_t minSize = 1;
    std::int64_t maxSize = 250;
    std::int64_t defaultSize = 20;
    std::int64_t minNumber = 1;
};

enum class Stream { Rooms, Sessions, Participants };

struct RecordSchema {
    Stream stream;
    std::string_view name;             // stream name in config, status, metrics and roomsctl: "rooms"
    std::string_view table;            // SQL table: "rooms"
    std::string_view recordType;       // upstream record_type: "room"
    std::string_view listPath;         // list endpoint below the base URL: "/rooms"
    std::string_view idParam;          // by-id path parameter name: "room_id"
    std::span<const FieldSpec> fields; // every scalar field of the spec, "id" first
    // The documented list order: this field descending, nulls last, then id ascending.
    std::string_view orderField;
    // The field that says when a record came to be ("created_at", "joined_at"): a re-walk
    // of a moving listing tells a record created during the pass from one an earlier walk missed.
    std::string_view createdField;
    // The filters of the list route, in roomsctl's --help order. A filter on parentField
    // is offered by the top-level list only: on the nested route the path names the parent.
    std::span<const FilterSpec> filters;
    std::string_view childKey = "";          // nested array key ("sessions"), empty if none
    const RecordSchema* child = nullptr;     // schema of the nested records, or nullptr
    std::string_view includeChildParam = ""; // flag that embeds children ("include_sessions")
    std::string_view childPath = "";         // segment of the nested list below a record: "sessions"
    std::string_view parentField = "";       // field naming the parent record ("room_id"), empty for rooms
    // The parent's own fields follow its children (a room's active_session_id names its active
    // session) and may change without its updated_at moving: a pass that writes children of
    // this kind re-reads their parents by id.
    bool parentFollowsChildren = false;
    PageBounds page = {};
};

const RecordSchema& roomsSchema();
const RecordSchema& sessionsSchema();
const RecordSchema& participantsSchema();
const RecordSchema& schemaFor(Stream stream);
// Rooms, sessions, participants: the order a full pass syncs them in.
std::span<const RecordSchema* const> allSchemas();
// The schema whose name() is `name`, or nullptr.
const RecordSchema* findSchema(std::string_view name);
// The schema whose child is `schema`, or nullptr.
const RecordSchema* parentOf(const RecordSchema& schema);

// Index of `field` in schema.fields, or -1.
int fieldIndex(const RecordSchema& schema, std::string_view field);
// The field named `field`, or nullptr.
const FieldSpec* findField(const RecordSchema& schema, std::string_view field);

// The query parameter of a filter: "filter[unique_name]", "filter[date_created_at][gte]".
std::string filterParameter(const FilterSpec& filter, DateOp op = DateOp::Eq);
std::string_view toString(DateOp op) noexcept; // "eq", "gte", "lte"
inline constexpr DateOp kDateOps[] = {DateOp::Eq, DateOp::Gte, DateOp::Lte};

// The eight Telnyx routes, derived from the schemas.
enum class RouteKind {
    List,   // GET /rooms
    ById,   // GET /rooms/{room_id}
    Nested, // GET /rooms/{room_id}/sessions: the children of one parent
};

struct TelnyxRoute {
    RouteKind kind;
    const RecordSchema* schema; // the records it answers
    const RecordSchema* parent; // Nested: the schema whose id the path holds; else nullptr

    // The path below the API root, as the spec writes it: "/rooms/{room_id}/sessions".
    std::string pattern() const;
    // The filters this route takes (the parent's filter left out of a nested list).
    std::vector<const FilterSpec*> filters() const;
    // Whether it takes page[size] and page[number].
    bool paged() const { return kind != RouteKind::ById; }
    // The include flag it takes ("include_sessions"), or empty. A nested list embeds
    // its records' children, as the top-level list of the same records does.
    std::string_view includeParam() const { return schema->includeChildParam; }
};

// List, by id and (where there are children) nested, for rooms, sessions, participants.
std::span<const TelnyxRoute> telnyxRoutes();

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
