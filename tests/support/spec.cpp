#include "support/spec.hpp"

#include <yaml-cpp/yaml.h>

#include <regex>
#include <stdexcept>

#include "common/time.hpp"
#include "support/process.hpp"

namespace json = boost::json;

namespace roomsd::test {
namespace {

json::value toJson(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        json::object obj;
        for (const auto& kv : node) obj.emplace(kv.first.as<std::string>(), toJson(kv.second));
        return obj;
    }
    case YAML::NodeType::Sequence: {
        json::array arr;
        for (const auto& item : node) arr.push_back(toJson(item));
        return arr;
    }
    case YAML::NodeType::Scalar: {
        const std::string& s = node.Scalar();
        if (node.Tag() == "!") return json::string(s); // quoted in the YAML
        if (s == "true") return true;
        if (s == "false") return false;
        if (s == "null" || s == "~") return nullptr;
        static const std::regex kInt(R"(-?\d+)");
        static const std::regex kFloat(R"(-?\d+\.\d+)");
        if (std::regex_match(s, kInt)) return std::stoll(s);
        if (std::regex_match(s, kFloat)) return std::stod(s);
        return json::string(s);
    }
    default: return nullptr;
    }
}

const json::object& schemaNamed(const std::string& name) {
    const json::value& schemas = specDocument().at("components").at("schemas");
    if (!schemas.as_object().contains(name)) throw std::runtime_error("no schema " + name + " in the spec");
    return schemas.at(name).as_object();
}

void check(const json::object& schema, const json::value& value, const std::string& where,
           std::vector<std::string>& problems) {
    if (auto ref = schema.find("$ref"); ref != schema.end()) {
        std::string target(ref->value().as_string());
        check(schemaNamed(target.substr(target.rfind('/') + 1)), value, where, problems);
        return;
    }
    if (value.is_null()) return; // every field of these schemas may be null or absent in practice
    std::string type = schema.contains("type") ? std::string(schema.at("type").as_string()) : "";
    auto bad = [&](const std::string& what) { problems.push_back(where + ": " + what); };
    if (type == "object") {
        if (!value.is_object()) return bad("expected object");
        if (auto props = schema.find("properties"); props != schema.end()) {
            for (const auto& kv : value.as_object()) {
                const json::object& properties = props->value().as_object();
                if (!properties.contains(kv.key())) {
                    bad("property " + std::string(kv.key()) + " is not in the spec");
                    continue;
                }
                check(properties.at(kv.key()).as_object(), kv.value(), where + "." + std::string(kv.key()), problems);
            }
        }
        if (auto required = schema.find("required"); required != schema.end())
            for (const auto& name : required->value().as_array())
                if (!value.as_object().contains(name.as_string())) bad("missing " + std::string(name.as_string()));
    } else if (type == "array") {
        if (!value.is_array()) return bad("expected array");
        std::size_t i = 0;
        for (const auto& item : value.as_array())
            check(schema.at("items").as_object(), item, where + "[" + std::to_string(i++) + "]", problems);
    } else if (type == "string") {
        if (!value.is_string()) return bad("expected string");
        std::string format = schema.contains("format") ? std::string(schema.at("format").as_string()) : "";
        std::string s(value.as_string());
        static const std::regex kUuid(R"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
        if (format == "date-time" && !parseTimestamp(s)) bad("not a date-time: " + s);
        if (format == "date" && !parseDate(s)) bad("not a date: " + s);
        if (format == "uuid" && !std::regex_match(s, kUuid)) bad("not a uuid: " + s);
    } else if (type == "integer") {
        if (!value.is_int64() && !value.is_uint64()) return bad("expected integer");
        std::int64_t v = value.is_int64() ? value.as_int64() : static_cast<std::int64_t>(value.as_uint64());
        if (schema.contains("minimum") && v < schema.at("minimum").to_number<std::int64_t>()) bad("below minimum");
        if (schema.contains("maximum") && v > schema.at("maximum").to_number<std::int64_t>()) bad("above maximum");
    } else if (type == "boolean") {
        if (!value.is_bool()) bad("expected boolean");
    }
}

} // namespace

const json::value& specDocument() {
    static const json::value doc =
        toJson(YAML::LoadFile((sourceDir() / "tests/fixtures/telnyx/rooms-openapi.yaml").string()));
    return doc;
}

json::value specExample(const std::string& schemaName) { return schemaNamed(schemaName).at("example"); }

std::vector<std::string> checkAgainstSchema(const std::string& schemaName, const json::value& record) {
    std::vector<std::string> problems;
    check(schemaNamed(schemaName), record, schemaName, problems);
    return problems;
}

} // namespace roomsd::test
