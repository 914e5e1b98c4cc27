// ApiSpec: the simulator's own reading of the rooms API contract, the OpenAPI file
// tests/fixtures/telnyx/rooms-openapi.yaml, loaded with yaml-cpp at start.
//
// From the file it takes the base path (servers[0].url), every GET operation (its path
// template, whether it lists or views records and of which schema), each operation's
// query parameters flattened to the names clients send (deepObject style:
// filter[date_created_at][gte]) with their type, format, bounds, default and enum,
// the record schemas (fields, types, bounds, defaults, nested arrays, record_type) and
// the error bodies (video_Errors, video_Error, which response uses which). Only what
// the spec leaves open is the simulator's own: the order of lists, the error codes and
// titles, which fields a created record stamps with now (see README.md).
//
// It shares nothing with daemon/api or daemon/model on purpose: the simulator is the
// independent reference the daemon's tests compare against.
// Thread-safety: immutable once loaded; share it freely (std::shared_ptr<const ApiSpec>).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "records.hpp"

namespace roomsd::sim {

// What a query parameter asks of a list or a record.
enum class ParameterRole {
    PageNumber,      // page[number]
    PageSize,        // page[size]
    IncludeChildren, // include_<nested array>: embed the child records
    DateFilter,      // filter[date_<field>][<op>]: the UTC date of <field> compared with a date
    ExactFilter,     // filter[<field>]: <field> equals the value
};

enum class ParameterType { String, Integer, Boolean, Date };

struct QueryParameter {
    std::string name; // as a client sends it: "filter[date_created_at][gte]"
    ParameterRole role = ParameterRole::ExactFilter;
    ParameterType type = ParameterType::String;
    std::optional<std::int64_t> minimum;  // integers
    std::optional<std::int64_t> maximum;  // integers
    std::optional<std::int64_t> fallback; // an integer's default
    std::vector<std::string> allowed;     // the schema's enum, when it has one
    std::string field;                    // the record field a filter looks at: "created_at"
    std::string comparison;               // a date filter's operator: "eq", "gte" or "lte"
};

// One GET operation of the spec.
struct Operation {
    std::string id;                    // operationId: "RetrieveListRoomSessions"
    std::string path;                  // "/rooms/{room_id}/sessions", below the base path
    std::vector<std::string> segments; // "rooms", "{room_id}", "sessions"
    bool lists = false;                // answers {"data":[...],"meta":{...}}; else {"data":{...}}
    Stream stream = Stream::Rooms;     // the records it answers
    // For a list below a record (a path parameter): the field of the listed records
    // that must equal the path's id ("room_id"). Empty otherwise.
    std::string parentField;
    std::vector<QueryParameter> parameters;
    // For a by-id operation: its 404 is one bare video_Error (true) or a video_Errors list.
    bool notFoundIsSingleError = true;

    // The parameter named `name`, or nullptr.
    const QueryParameter* parameter(std::string_view name) const;
};

class ApiSpec {
public:
    // Reads and checks the file; a Usage error naming what it could not read or understand.
    static Result<std::shared_ptr<const ApiSpec>> load(const std::string& path);

    const std::string& basePath() const { return basePath_; } // "/v2"
    const std::vector<Operation>& operations() const { return operations_; }
    // The operation with that operationId, or nullptr.
    const Operation* operation(std::string_view id) const;
    const StreamSchema& schema(Stream stream) const { return schemas_[static_cast<std::size_t>(stream)]; }
    // The schema named `name` ("rooms", "room_sessions", "room_participants"), or nullptr.
    const StreamSchema* findSchema(std::string_view name) const;
    // The key of video_Errors' array of errors ("errors").
    const std::string& errorListKey() const { return errorListKey_; }

private:
    friend class SpecReader;
    std::string basePath_;
    std::vector<Operation> operations_;
    std::array<StreamSchema, 3> schemas_;
    std::string errorListKey_;
};

// The spec this build was made from (the source tree's tests/fixtures/telnyx/rooms-openapi.yaml).
std::string defaultSpecPath();

} // namespace roomsd::sim
