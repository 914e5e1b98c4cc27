#include "spec.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <initializer_list>
#include <map>
#include <utility>

namespace roomsd::sim {
namespace {

// The collections the simulator serves, by the path that lists them, and what it needs
// of each: the fields its generator and activity write (with their types), and the
// field its lists are ordered by. The rest of each schema is whatever the spec says.
struct CollectionNeeds {
    Stream stream;
    std::string_view path;
    std::string_view orderField;
    std::vector<std::pair<std::string_view, FieldType>> fields;
};

const std::vector<CollectionNeeds>& collectionNeeds() {
    static const std::vector<CollectionNeeds> kNeeds = {
        {Stream::Rooms,
         "rooms",
         "created_at",
         {{"unique_name", FieldType::String},
          {"max_participants", FieldType::Integer},
          {"enable_recording", FieldType::Boolean},
          {"webhook_event_url", FieldType::String},
          {"webhook_event_failover_url", FieldType::String},
          {"webhook_timeout_secs", FieldType::Integer},
          {"active_session_id", FieldType::String},
          {"created_at", FieldType::Timestamp},
          {"updated_at", FieldType::Timestamp}}},
        {Stream::Sessions,
         "room_sessions",
         "created_at",
         {{"room_id", FieldType::String},
          {"active", FieldType::Boolean},
          {"created_at", FieldType::Timestamp},
          {"updated_at", FieldType::Timestamp},
          {"ended_at", FieldType::Timestamp}}},
        {Stream::Participants,
         "room_participants",
         "joined_at",
         {{"session_id", FieldType::String},
          {"context", FieldType::String},
          {"joined_at", FieldType::Timestamp},
          {"updated_at", FieldType::Timestamp},
          {"left_at", FieldType::Timestamp}}},
    };
    return kNeeds;
}

const char* typeName(FieldType type) {
    switch (type) {
    case FieldType::String: return "string";
    case FieldType::Integer: return "integer";
    case FieldType::Boolean: return "boolean";
    case FieldType::Timestamp: return "date-time string";
    }
    return "?";
}

// Thrown inside the reader only, and turned into a Usage error by ApiSpec::load.
struct Unreadable {
    std::string what;
};

[[noreturn]] void unreadable(std::string what) { throw Unreadable{std::move(what)}; }

std::string scalarOf(const YAML::Node& node, const std::string& where) {
    if (!node.IsDefined() || !node.IsScalar()) unreadable(where + " is missing or not a string");
    return node.Scalar();
}

std::optional<std::int64_t> integerOf(const YAML::Node& node, const std::string& where) {
    if (!node.IsDefined() || node.IsNull()) return std::nullopt;
    try {
        return node.as<std::int64_t>();
    } catch (const YAML::Exception&) {
        unreadable(where + " is not an integer");
    }
}

// node[k1][k2]..., or an undefined node as soon as one key is missing (yaml-cpp's own
// chained lookup throws once a key is missing).
YAML::Node dig(const YAML::Node& node, std::initializer_list<std::string_view> keys) {
    YAML::Node current = node;
    for (std::string_view key : keys) {
        if (!current.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
        const YAML::Node next = std::as_const(current)[std::string(key)];
        if (!next.IsDefined()) return YAML::Node(YAML::NodeType::Undefined);
        current.reset(next);
    }
    return current;
}

// The last part of a local $ref: "#/components/schemas/Room" -> "Room".
std::string refName(const std::string& ref) { return ref.substr(ref.rfind('/') + 1); }

} // namespace

// Walks the YAML document once and fills an ApiSpec; every "cannot read" names where.
class SpecReader {
public:
    explicit SpecReader(YAML::Node root) : root_(std::move(root)) {}

    std::shared_ptr<const ApiSpec> read() {
        auto spec = std::make_shared<ApiSpec>();
        spec->basePath_ = readBasePath();
        readErrorSchemas(*spec);
        if (!dig(root_, {"paths"}).IsMap()) unreadable("the spec has no paths");
        for (const CollectionNeeds& needs : collectionNeeds()) readSchema(*spec, needs);
        for (const auto& entry : dig(root_, {"paths"})) {
            std::string path = entry.first.Scalar();
            const YAML::Node get = dig(entry.second, {"get"});
            if (get.IsDefined()) spec->operations_.push_back(readOperation(*spec, path, get));
        }
        linkParents(*spec);
        return spec;
    }

private:
    // Follows a local "$ref" ("#/components/...") until the node is not a reference.
    YAML::Node resolve(YAML::Node node, const std::string& where) const {
        for (int depth = 0; node.IsMap() && std::as_const(node)["$ref"].IsDefined(); ++depth) {
            std::string ref = scalarOf(std::as_const(node)["$ref"], where + ".$ref");
            if (depth > 16 || !ref.starts_with("#/")) unreadable(where + ": cannot follow $ref " + ref);
            YAML::Node target = root_;
            std::size_t start = 2;
            while (start <= ref.size()) {
                std::size_t slash = std::min(ref.find('/', start), ref.size());
                YAML::Node next = std::as_const(target)[ref.substr(start, slash - start)];
                target.reset(next);
                if (!target.IsDefined()) unreadable(where + ": $ref " + ref + " names nothing in the spec");
                start = slash + 1;
            }
            node.reset(target);
        }
        return node;
    }

    std::string readBasePath() const {
        const YAML::Node servers = dig(root_, {"servers"});
        if (!servers.IsSequence() || servers.size() == 0) unreadable("the spec has no servers (the base URL)");
        std::string url = scalarOf(servers[0]["url"], "servers[0].url");
        auto parsed = boost::urls::parse_uri(url);
        if (!parsed) unreadable("servers[0].url " + url + " is not a URL");
        std::string path(parsed->encoded_path());
        while (path.ends_with('/')) path.pop_back();
        return path;
    }

    // video_Error: the component with the required code and title; video_Errors: the one
    // whose array property holds them.
    void readErrorSchemas(ApiSpec& spec) {
        const YAML::Node schemas = dig(root_, {"components", "schemas"});
        if (!schemas.IsMap()) unreadable("the spec has no components.schemas");
        for (const auto& entry : schemas) {
            const YAML::Node properties = dig(entry.second, {"properties"});
            const YAML::Node required = dig(entry.second, {"required"});
            bool isError = properties.IsMap() && required.IsSequence() && dig(properties, {"code"}).IsDefined() &&
                           dig(properties, {"title"}).IsDefined() && dig(properties, {"detail"}).IsDefined() &&
                           dig(properties, {"source", "properties", "parameter"}).IsDefined();
            if (isError) singleError_ = entry.first.Scalar();
        }
        if (singleError_.empty())
            unreadable("the spec has no error schema with code, title, detail and source.parameter (video_Error)");
        for (const auto& entry : schemas) {
            if (!dig(entry.second, {"properties"}).IsMap()) continue;
            for (const auto& property : dig(entry.second, {"properties"})) {
                const YAML::Node items = dig(property.second, {"items"});
                if (items.IsMap() && dig(items, {"$ref"}).IsDefined() &&
                    refName(dig(items, {"$ref"}).Scalar()) == singleError_) {
                    listError_ = entry.first.Scalar();
                    spec.errorListKey_ = property.first.Scalar();
                }
            }
        }
        if (listError_.empty()) unreadable("the spec has no list of " + singleError_ + " (video_Errors)");
    }

    // The schema the list of `needs.path` answers, read field by field.
    void readSchema(ApiSpec& spec, const CollectionNeeds& needs) {
        std::string path = "/" + std::string(needs.path);
        const YAML::Node get = dig(root_, {"paths", path, "get"});
        if (!get.IsDefined()) unreadable("the spec has no path GET " + path);
        auto [lists, schemaName] = dataSchemaOf(get, "GET " + path);
        if (!lists) unreadable("GET " + path + " does not answer a list");
        StreamSchema& schema = spec.schemas_[static_cast<std::size_t>(needs.stream)];
        schema.stream = needs.stream;
        schema.name = needs.path;
        schema.schemaName = schemaName;
        schema.orderField = needs.orderField;
        std::string where = "components.schemas." + schemaName;
        const YAML::Node properties =
            dig(resolve(dig(root_, {"components", "schemas", schemaName}), where), {"properties"});
        if (!properties.IsMap()) unreadable(where + " has no properties");
        for (const auto& entry : properties) {
            std::string name = entry.first.Scalar();
            schema.layout.push_back(name);
            readProperty(schema, name, resolve(entry.second, where + "." + name), where + "." + name);
        }
        if (std::find(schema.layout.begin(), schema.layout.end(), "id") == schema.layout.end())
            unreadable(where + " has no id");
        // record_type goes last, where the extra fields of /_sim/mutate follow it (README).
        std::stable_partition(schema.layout.begin(), schema.layout.end(),
                              [](const std::string& property) { return property != "record_type"; });
        if (schema.recordType.empty()) unreadable(where + ".record_type has no example (the record_type value)");
        for (const auto& [field, type] : needs.fields) {
            const FieldSpec* found = findField(schema, field);
            if (found == nullptr || found->type != type)
                unreadable(where + "." + std::string(field) + " must be a " + typeName(type) +
                           " (the simulator generates it)");
        }
        for (FieldSpec& field : schema.fields)
            if (field.name == schema.orderField || field.name == "updated_at") field.fallback = FieldDefault::Now;
    }

    void readProperty(StreamSchema& schema, const std::string& name, const YAML::Node& node, const std::string& where) {
        std::string type = scalarOf(dig(node, {"type"}), where + ".type");
        if (name == "id") {
            if (type != "string") unreadable(where + " must be a string");
            return;
        }
        if (name == "record_type") {
            schema.recordType = scalarOf(dig(node, {"example"}), where + ".example");
            return;
        }
        if (type == "array") {
            const YAML::Node items = dig(node, {"items"});
            if (!items.IsMap() || !dig(items, {"$ref"}).IsDefined())
                unreadable(where + ".items is not a $ref to a schema");
            if (!schema.childKey.empty()) unreadable(where + ": a second array of child records");
            schema.childKey = name;
            childSchemaOf_[schema.stream] = refName(dig(items, {"$ref"}).Scalar());
            return;
        }
        FieldSpec field;
        field.name = name;
        if (type == "string") {
            field.type = dig(node, {"format"}).IsDefined() && dig(node, {"format"}).Scalar() == "date-time"
                             ? FieldType::Timestamp
                             : FieldType::String;
        } else if (type == "integer") {
            field.type = FieldType::Integer;
            field.minimum = integerOf(dig(node, {"minimum"}), where + ".minimum");
            field.maximum = integerOf(dig(node, {"maximum"}), where + ".maximum");
        } else if (type == "boolean") {
            field.type = FieldType::Boolean;
        } else {
            unreadable(where + " has type " + type + ", which the simulator cannot store");
        }
        // The spec gives some booleans no default (RoomSession.active): the simulator's is false.
        if (field.type == FieldType::Boolean) field.fallback = FieldDefault::False;
        const YAML::Node fallback = dig(node, {"default"});
        if (fallback.IsDefined() && !fallback.IsNull()) {
            std::string text = scalarOf(fallback, where + ".default");
            if (field.type == FieldType::Boolean && text == "false")
                field.fallback = FieldDefault::False;
            else if (field.type == FieldType::String && text.empty())
                field.fallback = FieldDefault::EmptyString;
            else
                unreadable(where + ".default " + text + " is not one the simulator can apply (null, false or '')");
        }
        schema.fields.push_back(std::move(field));
    }

    // Whether GET's 200 answers a list, and the name of the record schema of its data.
    std::pair<bool, std::string> dataSchemaOf(const YAML::Node& get, const std::string& where) const {
        std::string at = where + " responses.200";
        const YAML::Node body =
            resolve(dig(resolve(dig(get, {"responses", "200"}), at), {"content", "application/json", "schema"}),
                    at + " schema");
        if (!body.IsMap() || !dig(body, {"properties"}).IsMap()) unreadable(at + " has no JSON object schema");
        const YAML::Node data = resolve(dig(body, {"properties", "data"}), at + " data");
        if (!data.IsMap()) unreadable(at + " has no data property");
        if (dig(data, {"type"}).IsDefined() && dig(data, {"type"}).Scalar() == "array") {
            const YAML::Node meta = dig(resolve(dig(body, {"properties", "meta"}), at + " meta"), {"properties"});
            for (const char* key : {"page_number", "page_size", "total_pages", "total_results"})
                if (!meta.IsMap() || !meta[key].IsDefined()) unreadable(at + " meta has no " + key);
            const YAML::Node items = dig(data, {"items"});
            if (!items.IsMap() || !dig(items, {"$ref"}).IsDefined()) unreadable(at + " data.items is not a $ref");
            return {true, refName(dig(items, {"$ref"}).Scalar())};
        }
        const YAML::Node record = dig(body, {"properties", "data"});
        if (!dig(record, {"$ref"}).IsDefined()) unreadable(at + " data is neither a list nor a $ref to a record");
        return {false, refName(dig(record, {"$ref"}).Scalar())};
    }

    Stream streamNamed(const ApiSpec& spec, const std::string& schemaName, const std::string& where) const {
        for (const StreamSchema& schema : spec.schemas_)
            if (schema.schemaName == schemaName) return schema.stream;
        unreadable(where + " answers " + schemaName + ", which is none of the listed record kinds");
    }

    Operation readOperation(const ApiSpec& spec, const std::string& path, const YAML::Node& get) {
        std::string where = "GET " + path;
        Operation op;
        op.id = scalarOf(dig(get, {"operationId"}), where + ".operationId");
        op.path = path;
        if (!path.starts_with("/")) unreadable(where + ": the path does not start with /");
        for (std::size_t start = 1; start <= path.size();) {
            std::size_t slash = std::min(path.find('/', start), path.size());
            op.segments.push_back(path.substr(start, slash - start));
            if (op.segments.back().empty()) unreadable(where + ": an empty path segment");
            start = slash + 1;
        }
        auto [lists, schemaName] = dataSchemaOf(get, where);
        op.lists = lists;
        op.stream = streamNamed(spec, schemaName, where);
        const StreamSchema& schema = spec.schemas_[static_cast<std::size_t>(op.stream)];
        std::vector<std::string> pathParameters;
        const YAML::Node parameters = dig(get, {"parameters"});
        if (parameters.IsDefined() && !parameters.IsSequence()) unreadable(where + ".parameters is not a list");
        for (std::size_t i = 0; parameters.IsDefined() && i < parameters.size(); ++i) {
            std::string at = where + " dig(parameters, {" + std::to_string(i) + "})";
            YAML::Node parameter = resolve(parameters[i], at);
            std::string name = scalarOf(dig(parameter, {"name"}), at + ".name");
            std::string in = scalarOf(dig(parameter, {"in"}), at + ".in");
            at += " (" + name + ")";
            if (in == "path") {
                pathParameters.push_back(name);
                continue;
            }
            if (in != "query") unreadable(at + " is in " + in + ", where the simulator reads no parameters");
            readQueryParameter(op, schema, name, parameter, at);
        }
        for (const std::string& segment : op.segments)
            if (segment.starts_with('{')) {
                std::string name = segment.substr(1, segment.size() - 2);
                if (!segment.ends_with('}') ||
                    std::find(pathParameters.begin(), pathParameters.end(), name) == pathParameters.end())
                    unreadable(where + ": path parameter " + segment + " is not described");
                if (lists) op.parentField = parentFieldFor(schema, name, where);
            }
        if (!lists) op.notFoundIsSingleError = notFoundSchema(get, where) != listError_;
        return op;
    }

    // The string field of `child` that the path parameter `parameter` names:
    // the longest one it ends with ("room_session_id" -> "session_id").
    std::string parentFieldFor(const StreamSchema& child, const std::string& parameter, const std::string& where) {
        std::string best;
        for (const FieldSpec& field : child.fields) {
            bool names =
                parameter.ends_with(field.name) &&
                (parameter.size() == field.name.size() || parameter[parameter.size() - field.name.size() - 1] == '_');
            if (field.type == FieldType::String && names && field.name.size() > best.size()) best = field.name;
        }
        if (best.empty())
            unreadable(where + ": no field of " + child.schemaName + " is the parent that {" + parameter + "} names");
        return best;
    }

    std::string notFoundSchema(const YAML::Node& get, const std::string& where) const {
        const YAML::Node response = dig(get, {"responses", "404"});
        if (!response.IsDefined()) return singleError_;
        const YAML::Node schema =
            dig(resolve(response, where + " responses.404"), {"content", "application/json", "schema"});
        if (!schema.IsMap() || !dig(schema, {"$ref"}).IsDefined()) return singleError_;
        return refName(dig(schema, {"$ref"}).Scalar());
    }

    // One query parameter: a scalar (form style), or a deepObject flattened to one
    // parameter per leaf: filter -> filter[date_created_at][gte].
    void readQueryParameter(Operation& op, const StreamSchema& schema, const std::string& name,
                            const YAML::Node& parameter, const std::string& where) {
        std::string style = dig(parameter, {"style"}).IsDefined() ? dig(parameter, {"style"}).Scalar() : "form";
        const YAML::Node body = resolve(dig(parameter, {"schema"}), where + ".schema");
        if (style == "deepObject") {
            if (dig(parameter, {"explode"}).IsDefined() && !dig(parameter, {"explode"}).as<bool>())
                unreadable(where + ": a deepObject that is not exploded");
            readLeaves(op, schema, name, {}, body, where);
        } else if (style == "form") {
            readLeaf(op, schema, name, {}, body, where);
        } else {
            unreadable(where + " has style " + style + ", which the simulator cannot read");
        }
    }

    void readLeaves(Operation& op, const StreamSchema& schema, const std::string& top, std::vector<std::string> keys,
                    const YAML::Node& node, const std::string& where) {
        if (!node.IsMap() || !dig(node, {"properties"}).IsMap())
            unreadable(where + " is a deepObject without properties");
        for (const auto& entry : dig(node, {"properties"})) {
            std::vector<std::string> deeper = keys;
            deeper.push_back(entry.first.Scalar());
            const YAML::Node child = resolve(entry.second, where + "." + entry.first.Scalar());
            if (dig(child, {"type"}).IsDefined() && dig(child, {"type"}).Scalar() == "object")
                readLeaves(op, schema, top, deeper, child, where);
            else
                readLeaf(op, schema, top, deeper, child, where);
        }
    }

    void readLeaf(Operation& op, const StreamSchema& schema, const std::string& top,
                  const std::vector<std::string>& keys, const YAML::Node& node, const std::string& where) {
        QueryParameter p;
        p.name = top;
        for (const std::string& key : keys) p.name += "[" + key + "]";
        std::string at = where + " " + p.name;
        std::string type = scalarOf(dig(node, {"type"}), at + ".type");
        std::string format = dig(node, {"format"}).IsDefined() ? dig(node, {"format"}).Scalar() : "";
        if (type == "integer") {
            p.type = ParameterType::Integer;
            p.minimum = integerOf(dig(node, {"minimum"}), at + ".minimum");
            p.maximum = integerOf(dig(node, {"maximum"}), at + ".maximum");
            p.fallback = integerOf(dig(node, {"default"}), at + ".default");
        } else if (type == "boolean") {
            p.type = ParameterType::Boolean;
        } else if (type == "string") {
            p.type = format == "date" ? ParameterType::Date : ParameterType::String;
        } else {
            unreadable(at + " has type " + type + ", which the simulator cannot read");
        }
        if (dig(node, {"enum"}).IsSequence())
            for (const auto& value : dig(node, {"enum"})) p.allowed.push_back(value.Scalar());
        p.role = roleOf(schema, top, keys, p, at);
        op.parameters.push_back(std::move(p));
    }

    // What a parameter asks for, from its name and the schema it filters.
    static ParameterRole roleOf(const StreamSchema& schema, const std::string& top,
                                const std::vector<std::string>& keys, QueryParameter& p, const std::string& where) {
        if (top == "page" && keys.size() == 1 && p.type == ParameterType::Integer) {
            if (keys[0] == "number") return ParameterRole::PageNumber;
            if (keys[0] == "size") return ParameterRole::PageSize;
        }
        if (keys.empty() && p.type == ParameterType::Boolean && !schema.childKey.empty() &&
            top == "include_" + schema.childKey)
            return ParameterRole::IncludeChildren;
        if (top == "filter" && keys.size() == 2 && keys[0].starts_with("date_") && p.type == ParameterType::Date) {
            const FieldSpec* field = findField(schema, keys[0].substr(5));
            bool known = keys[1] == "eq" || keys[1] == "gte" || keys[1] == "lte";
            if (field != nullptr && field->type == FieldType::Timestamp && known) {
                p.field = field->name;
                p.comparison = keys[1];
                return ParameterRole::DateFilter;
            }
        }
        if (top == "filter" && keys.size() == 1) {
            const FieldSpec* field = findField(schema, keys[0]);
            bool sameType =
                field != nullptr && ((field->type == FieldType::String && p.type == ParameterType::String) ||
                                     (field->type == FieldType::Boolean && p.type == ParameterType::Boolean));
            if (sameType) {
                p.field = field->name;
                return ParameterRole::ExactFilter;
            }
        }
        unreadable(where + ": the simulator cannot tell what this parameter asks of " + schema.schemaName);
    }

    // Each child schema (a nested array) learns which of its fields names its parent,
    // from the list below the parent's path (/rooms/{room_id}/sessions -> room_id).
    void linkParents(ApiSpec& spec) {
        for (const auto& [parent, childName] : childSchemaOf_) {
            Stream child = streamNamed(spec, childName,
                                       spec.schemas_[static_cast<std::size_t>(parent)].schemaName + "." +
                                           spec.schemas_[static_cast<std::size_t>(parent)].childKey);
            StreamSchema& childSchema = spec.schemas_[static_cast<std::size_t>(child)];
            for (const Operation& op : spec.operations_)
                if (op.lists && op.stream == child && !op.parentField.empty()) childSchema.parentField = op.parentField;
            if (childSchema.parentField.empty())
                unreadable("no list below a " + spec.schemas_[static_cast<std::size_t>(parent)].schemaName +
                           " says which field of " + childName + " names it");
        }
    }

    const YAML::Node root_;
    std::string singleError_;
    std::string listError_;
    std::map<Stream, std::string> childSchemaOf_; // parent stream -> the schema its array holds
};

const QueryParameter* Operation::parameter(std::string_view name) const {
    for (const QueryParameter& p : parameters)
        if (p.name == name) return &p;
    return nullptr;
}

Result<std::shared_ptr<const ApiSpec>> ApiSpec::load(const std::string& path) {
    try {
        return SpecReader(YAML::LoadFile(path)).read();
    } catch (const Unreadable& e) {
        return fail(ErrorKind::Usage, "the spec " + path + " cannot be read: " + e.what);
    } catch (const YAML::Exception& e) {
        return fail(ErrorKind::Usage, "the spec " + path + " cannot be read: " + e.what());
    }
}

const Operation* ApiSpec::operation(std::string_view id) const {
    for (const Operation& op : operations_)
        if (op.id == id) return &op;
    return nullptr;
}

const StreamSchema* ApiSpec::findSchema(std::string_view name) const {
    for (const StreamSchema& schema : schemas_)
        if (schema.name == name) return &schema;
    return nullptr;
}

std::string defaultSpecPath() { return TELNYX_SIM_DEFAULT_SPEC; }

} // namespace roomsd::sim
