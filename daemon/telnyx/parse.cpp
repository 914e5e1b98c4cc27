#include "telnyx/parse.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "common/strings.hpp"
#include "common/time.hpp"

namespace json = boost::json;

namespace roomsd::telnyx {
namespace {

using model::FieldType;
using model::FieldValue;
using model::MirrorRecord;
using model::RecordSchema;

constexpr std::size_t kMaxIdLength = 128;

const char* jsonKindName(const json::value& v) {
    switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64: return "integer";
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
    }
    return "value";
}

json::value sortedCopy(const json::value& v) {
    if (v.is_object()) {
        const json::object& in = v.get_object();
        std::vector<const json::key_value_pair*> items;
        items.reserve(in.size());
        for (const auto& kv : in) items.push_back(&kv);
        std::sort(items.begin(), items.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
        json::object out;
        out.reserve(items.size());
        for (auto* kv : items) out.emplace(kv->key(), sortedCopy(kv->value()));
        return out;
    }
    if (v.is_array()) {
        json::array out;
        out.reserve(v.get_array().size());
        for (const auto& item : v.get_array()) out.push_back(sortedCopy(item));
        return out;
    }
    // Boost.JSON reads a number beyond a double's range as an infinity and would write
    // it as Infinity, which is not JSON; null, as the /sql answers write them.
    if (v.is_double() && !std::isfinite(v.get_double())) return nullptr;
    return v;
}

bool usableId(std::string_view id) {
    if (id.empty() || id.size() > kMaxIdLength) return false;
    return std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

// Converts one field; on a type mismatch returns NULL and records the problem.
FieldValue convertField(const model::FieldSpec& field, const json::value& v, std::vector<std::string>& problems) {
    if (v.is_null()) return std::monostate{};
    auto mismatch = [&](const char* expected) {
        problems.push_back(std::string(field.name) + ": expected " + expected + ", got " + jsonKindName(v));
        return FieldValue{};
    };
    switch (field.type) {
    case FieldType::String:
        if (!v.is_string()) return mismatch("string");
        return std::string(v.get_string());
    case FieldType::Integer:
        if (v.is_int64()) return v.get_int64();
        if (v.is_uint64()) {
            if (v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX)) return mismatch("64-bit integer");
            return static_cast<std::int64_t>(v.get_uint64());
        }
        return mismatch("integer");
    case FieldType::Boolean:
        if (!v.is_bool()) return mismatch("boolean");
        return v.get_bool();
    case FieldType::Timestamp: {
        if (!v.is_string()) return mismatch("ISO 8601 timestamp");
        auto normalized = normalizeTimestamp(v.get_string());
        if (!normalized) {
            problems.push_back(std::string(field.name) +
                               ": not an ISO 8601 timestamp: " + quoteForLog(v.get_string(), 40));
            return std::monostate{};
        }
        return *normalized;
    }
    }
    return std::monostate{};
}

Result<json::value> parseJson(std::string_view body) {
    json::error_code ec;
    json::parse_options options;
    options.max_depth = 64;
    json::value value = json::parse(body, ec, {}, options);
    if (ec) {
        if (body.empty()) return fail(ErrorKind::Protocol, "response body is empty, expected JSON");
        return fail(ErrorKind::Protocol, "response body is not valid JSON (" + ec.message() + "): starts with " +
                                             quoteForLog(body.substr(0, 80), 80));
    }
    return value;
}

std::optional<std::int64_t> intField(const json::object& obj, std::string_view key) {
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    if (it->value().is_int64()) return it->value().get_int64();
    if (it->value().is_uint64() && it->value().get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(it->value().get_uint64());
    return std::nullopt;
}

std::string stringField(const json::object& obj, std::string_view key) {
    auto it = obj.find(key);
    if (it == obj.end() || !it->value().is_string()) return {};
    return std::string(it->value().get_string());
}

// "code 10015 Invalid parameter: detail (parameter page[size])"
std::string describeOneError(const json::object& err) {
    std::string out;
    std::string code = stringField(err, "code");
    if (code.empty()) {
        if (auto numeric = intField(err, "code")) code = std::to_string(*numeric);
    }
    std::string title = stringField(err, "title");
    std::string detail = stringField(err, "detail");
    if (!code.empty()) out += "code " + code;
    if (!title.empty()) out += (out.empty() ? "" : " ") + title;
    if (!detail.empty() && detail != title) out += (out.empty() ? "" : ": ") + detail;
    if (auto src = err.find("source"); src != err.end() && src->value().is_object()) {
        std::string parameter = stringField(src->value().get_object(), "parameter");
        std::string pointer = stringField(src->value().get_object(), "pointer");
        if (!parameter.empty())
            out += " (parameter " + parameter + ")";
        else if (!pointer.empty())
            out += " (at " + pointer + ")";
    }
    return out;
}

} // namespace

std::string canonicalJson(const json::value& value) { return json::serialize(sortedCopy(value)); }

Result<MirrorRecord> parseRecord(const RecordSchema& schema, const json::value& value,
                                 std::vector<std::string>& rejected) {
    if (!value.is_object())
        return fail(ErrorKind::Protocol, std::string("expected a ") + std::string(schema.recordType) + " object, got " +
                                             jsonKindName(value));
    const json::object& obj = value.get_object();
    auto idIt = obj.find("id");
    if (idIt == obj.end() || !idIt->value().is_string())
        return fail(ErrorKind::Protocol, std::string(schema.recordType) + " without a string id");
    std::string_view id = idIt->value().get_string();
    if (!usableId(id))
        return fail(ErrorKind::Protocol,
                    std::string(schema.recordType) + " with an unusable id " + quoteForLog(id, 60));
    if (auto rt = obj.find("record_type");
        rt != obj.end() && rt->value().is_string() && rt->value().get_string() != schema.recordType)
        return fail(ErrorKind::Protocol, "record " + std::string(id) + " has record_type " +
                                             quoteForLog(rt->value().get_string(), 40) + ", expected " +
                                             std::string(schema.recordType));

    MirrorRecord record;
    record.schema = &schema;
    record.id = std::string(id);
    record.values.reserve(schema.fields.size());
    for (const auto& field : schema.fields) {
        auto it = obj.find(field.name);
        record.values.push_back(it == obj.end() ? FieldValue{} : convertField(field, it->value(), record.problems));
    }
    if (const auto* updated = std::get_if<std::string>(&record.value("updated_at")))
        record.updatedAt = parseTimestamp(*updated);

    json::object stored;
    stored.reserve(obj.size());
    for (const auto& kv : obj) {
        if (!schema.childKey.empty() && kv.key() == schema.childKey) continue;
        stored.emplace(kv.key(), kv.value());
    }
    record.upstreamJson = canonicalJson(stored);

    if (schema.child != nullptr) {
        if (auto kids = obj.find(schema.childKey); kids != obj.end() && !kids->value().is_null()) {
            if (!kids->value().is_array()) {
                record.problems.push_back(std::string(schema.childKey) + ": expected array, got " +
                                          jsonKindName(kids->value()));
            } else {
                const RecordSchema& childSchema = *schema.child;
                int parentIndex = model::fieldIndex(childSchema, childSchema.parentField);
                for (const auto& kid : kids->value().get_array()) {
                    auto child = parseRecord(childSchema, kid, rejected);
                    if (!child) {
                        rejected.push_back("in " + std::string(schema.recordType) + " " + record.id + ": " +
                                           child.error().message);
                        continue;
                    }
                    // An embedded record always belongs to the record it is embedded in.
                    if (parentIndex >= 0 &&
                        std::holds_alternative<std::monostate>(child->values[static_cast<std::size_t>(parentIndex)]))
                        child->values[static_cast<std::size_t>(parentIndex)] = record.id;
                    record.children.push_back(std::move(*child));
                }
            }
        }
    }
    return record;
}

Result<ListPage> parseListPage(const RecordSchema& schema, std::string_view body) {
    auto parsed = parseJson(body);
    if (!parsed) return std::move(parsed).error();
    if (!parsed->is_object())
        return fail(ErrorKind::Protocol, std::string("list response is a JSON ") + jsonKindName(*parsed) +
                                             ", expected an object with a data array");
    const json::object& top = parsed->get_object();
    auto data = top.find("data");
    if (data == top.end() || !data->value().is_array())
        return fail(ErrorKind::Protocol, "list response has no data array");

    ListPage page;
    const json::array& items = data->value().get_array();
    page.records.reserve(items.size());
    page.elementCount = items.size();
    for (std::size_t i = 0; i < items.size(); ++i) {
        auto record = parseRecord(schema, items[i], page.rejected);
        if (!record) {
            page.rejected.push_back("data[" + std::to_string(i) + "]: " + record.error().message);
            continue;
        }
        page.records.push_back(std::move(*record));
    }
    if (auto meta = top.find("meta"); meta != top.end() && meta->value().is_object()) {
        const json::object& m = meta->value().get_object();
        page.meta = PageMeta{intField(m, "page_number"), intField(m, "page_size"), intField(m, "total_pages"),
                             intField(m, "total_results")};
    }
    return page;
}

Result<MirrorRecord> parseRecordBody(const RecordSchema& schema, std::string_view body) {
    auto parsed = parseJson(body);
    if (!parsed) return std::move(parsed).error();
    if (!parsed->is_object() || !parsed->get_object().contains("data"))
        return fail(ErrorKind::Protocol, "response has no data object");
    std::vector<std::string> rejected;
    auto record = parseRecord(schema, parsed->get_object().at("data"), rejected);
    if (!record) return std::move(record).error();
    return record;
}

std::string describeErrorBody(std::string_view body) {
    if (trim(body).empty()) return "(empty body)";
    json::error_code ec;
    json::value value = json::parse(body, ec);
    if (ec || !value.is_object()) return quoteForLog(trim(body), 200);
    const json::object& obj = value.get_object();
    if (auto errors = obj.find("errors"); errors != obj.end() && errors->value().is_array()) {
        std::string out;
        std::size_t shown = 0;
        for (const auto& err : errors->value().get_array()) {
            if (!err.is_object()) continue;
            if (shown == 3) {
                out += "; ...";
                break;
            }
            std::string one = describeOneError(err.get_object());
            if (one.empty()) continue;
            out += (out.empty() ? "" : "; ") + one;
            ++shown;
        }
        if (!out.empty()) return printableForLog(out, 400);
    }
    if (obj.contains("code") || obj.contains("title")) {
        std::string one = describeOneError(obj);
        if (!one.empty()) return printableForLog(one, 400);
    }
    if (std::string message = stringField(obj, "message"); !message.empty()) return printableForLog(message, 400);
    return quoteForLog(trim(body), 200);
}

} // namespace roomsd::telnyx
