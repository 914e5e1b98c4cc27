// model's RecordSchema checked against the spec file itself
// (tests/fixtures/telnyx/rooms-openapi.yaml, read as a document, not through any
// code the daemon has): every field and its type and bounds, every route, its
// filters, its include flag, and the paging bounds. A field or filter the spec
// gains or loses, or a typo in the model, fails here.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <set>
#include <string>

#include "model/records.hpp"
#include "support/spec.hpp"

using namespace roomsd;
namespace json = boost::json;

namespace {

const json::object& object(const json::value& v, std::string_view key) { return v.at(key).as_object(); }

// "#/components/schemas/Room" -> that object.
const json::value& resolve(const json::value& v) {
    if (!v.is_object() || !v.as_object().contains("$ref")) return v;
    std::string ref(v.at("$ref").as_string());
    REQUIRE(ref.starts_with("#/"));
    const json::value* at = &test::specDocument();
    std::size_t start = 2;
    while (start < ref.size()) {
        std::size_t end = ref.find('/', start);
        if (end == std::string::npos) end = ref.size();
        at = &at->at(ref.substr(start, end - start));
        start = end + 1;
    }
    return *at;
}

const json::object& operationOf(const model::TelnyxRoute& route) {
    const json::object& paths = object(test::specDocument(), "paths");
    std::string pattern = route.pattern();
    INFO(pattern);
    REQUIRE(paths.contains(pattern));
    return object(paths.at(pattern), "get");
}

// The name of the components.schemas entry a route answers (its data, or data's items).
std::string answeredSchemaName(const model::TelnyxRoute& route) {
    const json::value& data = resolve(operationOf(route).at("responses").at("200"))
                                  .at("content")
                                  .at("application/json")
                                  .at("schema")
                                  .at("properties")
                                  .at("data");
    const json::value& item = data.as_object().contains("items") ? data.at("items") : data;
    std::string ref(item.at("$ref").as_string());
    return ref.substr(ref.rfind('/') + 1);
}

struct SpecParameters {
    std::set<std::pair<std::string, model::FilterKind>> filters; // field, kind
    std::string include;
    std::string pathParam;
    const json::object* page = nullptr; // the page deepObject's properties
};

SpecParameters parametersOf(const model::TelnyxRoute& route) {
    SpecParameters out;
    const json::value* list = operationOf(route).if_contains("parameters");
    if (list == nullptr) return out;
    for (const json::value& raw : list->as_array()) {
        const json::value& p = resolve(raw);
        std::string name(p.at("name").as_string());
        std::string in(p.at("in").as_string());
        if (in == "path") {
            out.pathParam = name;
        } else if (name == "page") {
            out.page = &object(p.at("schema"), "properties");
        } else if (name == "filter") {
            for (const auto& [key, property] : object(p.at("schema"), "properties")) {
                std::string field(key);
                if (field.starts_with("date_")) {
                    std::set<std::string> ops;
                    for (const auto& [op, v] : object(property, "properties")) ops.emplace(op);
                    CHECK(ops == std::set<std::string>{"eq", "gte", "lte"});
                    out.filters.emplace(field.substr(5), model::FilterKind::Date);
                } else if (property.at("type") == "boolean") {
                    out.filters.emplace(field, model::FilterKind::Boolean);
                } else {
                    CHECK(property.at("type") == "string");
                    out.filters.emplace(field, model::FilterKind::Exact);
                }
            }
        } else if (name.starts_with("include_")) {
            CHECK(p.at("schema").at("type") == "boolean");
            out.include = name;
        } else {
            FAIL("a parameter the model does not know: " << name);
        }
    }
    return out;
}

model::FieldType typeOf(const json::object& property) {
    std::string type(property.at("type").as_string());
    if (type == "integer") return model::FieldType::Integer;
    if (type == "boolean") return model::FieldType::Boolean;
    if (const json::value* format = property.if_contains("format"); format && *format == "date-time")
        return model::FieldType::Timestamp;
    return model::FieldType::String;
}

} // namespace

TEST_CASE("the model's routes are exactly the spec's paths") {
    std::set<std::string> specPaths, modelPaths;
    for (const auto& [path, item] : object(test::specDocument(), "paths")) specPaths.emplace(path);
    for (const model::TelnyxRoute& route : model::telnyxRoutes()) modelPaths.insert(route.pattern());
    CHECK(modelPaths == specPaths);
}

TEST_CASE("each route takes the spec's filters, include flag, path id and paging") {
    for (const model::TelnyxRoute& route : model::telnyxRoutes()) {
        INFO(route.pattern());
        SpecParameters spec = parametersOf(route);
        std::set<std::pair<std::string, model::FilterKind>> filters;
        for (const model::FilterSpec* f : route.filters()) filters.emplace(std::string(f->field), f->kind);
        CHECK(filters == spec.filters);
        CHECK(std::string(route.includeParam()) == spec.include);
        const model::RecordSchema& idOwner = route.kind == model::RouteKind::Nested ? *route.parent : *route.schema;
        CHECK(spec.pathParam == (route.kind == model::RouteKind::List ? "" : std::string(idOwner.idParam)));
        CHECK(route.paged() == (spec.page != nullptr));
        if (spec.page != nullptr) {
            const model::PageBounds& page = route.schema->page;
            CHECK(spec.page->at("size").at("minimum").to_number<std::int64_t>() == page.minSize);
            CHECK(spec.page->at("size").at("maximum").to_number<std::int64_t>() == page.maxSize);
            CHECK(spec.page->at("size").at("default").to_number<std::int64_t>() == page.defaultSize);
            CHECK(spec.page->at("number").at("minimum").to_number<std::int64_t>() == page.minNumber);
        }
        // Every filter compares a field the records have, of a type the filter can compare.
        for (const model::FilterSpec* f : route.filters()) {
            const model::FieldSpec* field = model::findField(*route.schema, f->field);
            REQUIRE(field != nullptr);
            if (f->kind == model::FilterKind::Date) CHECK(field->type == model::FieldType::Timestamp);
            if (f->kind == model::FilterKind::Boolean) CHECK(field->type == model::FieldType::Boolean);
            if (f->kind == model::FilterKind::Exact) CHECK(field->type == model::FieldType::String);
        }
    }
}

TEST_CASE("each record kind has the spec's fields, types and bounds, and its nested array") {
    for (const model::RecordSchema* schema : model::allSchemas()) {
        INFO(schema->name);
        const model::TelnyxRoute* list = nullptr;
        for (const model::TelnyxRoute& r : model::telnyxRoutes())
            if (r.kind == model::RouteKind::List && r.schema == schema) list = &r;
        REQUIRE(list != nullptr);
        std::string specName = answeredSchemaName(*list);
        const json::object& properties =
            test::specDocument().at("components").at("schemas").at(specName).at("properties").as_object();
        std::set<std::string> specFields, modelFields;
        for (const auto& [key, raw] : properties) {
            const json::object& property = resolve(raw).as_object();
            std::string name(key);
            if (property.at("type") == "array") {
                CHECK(name == schema->childKey);
                REQUIRE(schema->child != nullptr);
                CHECK(answeredSchemaName(*list) == specName);
                std::string itemRef(property.at("items").at("$ref").as_string());
                CHECK(itemRef.substr(itemRef.rfind('/') + 1) != specName);
                continue;
            }
            specFields.insert(name);
            const model::FieldSpec* field = model::findField(*schema, name);
            if (field == nullptr) continue; // reported by the set comparison below
            INFO(name);
            CHECK(field->type == typeOf(property));
            auto bound = [&](std::string_view limit) -> std::optional<std::int64_t> {
                const json::value* v = property.if_contains(limit);
                if (v == nullptr) return std::nullopt;
                return v->to_number<std::int64_t>();
            };
            CHECK(field->minimum == bound("minimum"));
            CHECK(field->maximum == bound("maximum"));
        }
        for (const model::FieldSpec& f : schema->fields) modelFields.emplace(f.name);
        CHECK(modelFields == specFields);
        CHECK(schema->fields[0].name == "id");
        // The list order sorts by one of the record's timestamps.
        const model::FieldSpec* order = model::findField(*schema, schema->orderField);
        REQUIRE(order != nullptr);
        CHECK(order->type == model::FieldType::Timestamp);
        // Creation is one of the record's timestamps too, and no record is updated before it came to be.
        const model::FieldSpec* created = model::findField(*schema, schema->createdField);
        REQUIRE(created != nullptr);
        CHECK(created->type == model::FieldType::Timestamp);
        CHECK(created->name != "updated_at");
        // A child names its parent by a field of its own.
        if (schema->child != nullptr) CHECK(model::findField(*schema->child, schema->child->parentField) != nullptr);
    }
}
