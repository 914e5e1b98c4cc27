#include "records.hpp"

#include <boost/json.hpp>
#include <stdexcept>

namespace roomsd::sim {
namespace {

namespace json = boost::json;

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

std::optional<std::int64_t> wholeNumber(const json::value& value) {
    if (value.is_int64()) return value.as_int64();
    if (value.is_uint64() && value.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(value.as_uint64());
    return std::nullopt;
}

std::string boundsText(const FieldSpec& field) {
    if (field.minimum && field.maximum)
        return " in " + std::to_string(*field.minimum) + ".." + std::to_string(*field.maximum);
    if (field.minimum) return " >= " + std::to_string(*field.minimum);
    if (field.maximum) return " <= " + std::to_string(*field.maximum);
    return {};
}

} // namespace

const FieldSpec* findField(const StreamSchema& schema, std::string_view name) {
    for (const FieldSpec& field : schema.fields)
        if (field.name == name) return &field;
    return nullptr;
}

std::size_t fieldIndex(const StreamSchema& schema, std::string_view name) {
    for (std::size_t i = 0; i < schema.fields.size(); ++i)
        if (schema.fields[i].name == name) return i;
    throw std::logic_error("no field " + std::string(name) + " in " + schema.name);
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
    out.reserve(schema.layout.size() + record.extra.size());
    for (const std::string& property : schema.layout) {
        if (property == "id")
            out[property] = record.id;
        else if (property == "record_type")
            out[property] = schema.recordType;
        else if (property == schema.childKey)
            out[property] = std::move(children);
        else
            out[property] = toJson(record.values[fieldIndex(schema, property)]);
    }
    for (const auto& [name, text] : record.extra) out[name] = json::parse(text);
    return out;
}

std::optional<FieldValue> fieldValueFromJson(const FieldSpec& field, const json::value& value, std::string& problem) {
    if (value.is_null()) return FieldValue{};
    switch (field.type) {
    case FieldType::String:
        if (value.is_string()) return FieldValue{std::string(value.as_string())};
        problem = field.name + " must be a string or null";
        return std::nullopt;
    case FieldType::Boolean:
        if (value.is_bool()) return FieldValue{value.as_bool()};
        problem = field.name + " must be true, false or null";
        return std::nullopt;
    case FieldType::Timestamp:
        if (value.is_string())
            if (auto t = parseTimestamp(value.as_string())) return FieldValue{*t};
        problem = field.name + " must be an ISO 8601 date-time or null";
        return std::nullopt;
    case FieldType::Integer: {
        std::optional<std::int64_t> n = wholeNumber(value);
        if (n && (!field.minimum || *n >= *field.minimum) && (!field.maximum || *n <= *field.maximum))
            return FieldValue{*n};
        problem = field.name + " must be an integer" + boundsText(field) + " or null";
        return std::nullopt;
    }
    }
    problem = "unsupported field type";
    return std::nullopt;
}

} // namespace roomsd::sim
