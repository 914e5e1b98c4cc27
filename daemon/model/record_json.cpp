// Upstream JSON to MirrorRecords, by the record schemas.
// Thread-safety: pure functions.
#include "model/record_json.hpp"

#include <boost/container/small_vector.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/strings.hpp"
#include "common/time.hpp"

namespace json = boost::json;

namespace roomsd::model {
namespace {

constexpr std::size_t kMaxIdLength = 128;

// Appends `s` as a JSON string, escaped as Boost.JSON's serializer escapes (its table in
// boost/json/impl/serializer.ipp): quote and backslash by a backslash, \b \t \n \f \r by name, the
// other control characters as \u00xx in lower-case hex, everything else (DEL, UTF-8) as it is.
void appendString(std::string_view s, std::string& out) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t run = 0; // start of the characters not yet appended
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        out.push_back('\\');
        switch (c) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '\b': out.push_back('b'); break;
        case '\t': out.push_back('t'); break;
        case '\n': out.push_back('n'); break;
        case '\f': out.push_back('f'); break;
        case '\r': out.push_back('r'); break;
        default:
            out.append("u00");
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}

template <class Int>
void appendInteger(Int n, std::string& out) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, end);
}

// Writes `v` with every object's keys sorted (by byte), leaving out the top-level key `skip` when
// `skipping`: json::serialize of a sorted copy, without the copy. Depth is bounded by the parser's
// max_depth.
void writeCanonical(const json::value& v, std::string& out, bool skipping = false, std::string_view skip = {}) {
    switch (v.kind()) {
    case json::kind::object: {
        const json::object& in = v.get_object();
        boost::container::small_vector<const json::key_value_pair*, 32> items;
        items.reserve(in.size());
        for (const auto& kv : in)
            if (!skipping || kv.key() != skip) items.push_back(&kv);
        std::sort(items.begin(), items.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
        out.push_back('{');
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i > 0) out.push_back(',');
            appendString(items[i]->key(), out);
            out.push_back(':');
            writeCanonical(items[i]->value(), out);
        }
        out.push_back('}');
        return;
    }
    case json::kind::array: {
        out.push_back('[');
        bool first = true;
        for (const auto& item : v.get_array()) {
            if (!first) out.push_back(',');
            first = false;
            writeCanonical(item, out);
        }
        out.push_back(']');
        return;
    }
    case json::kind::double_:
        // Boost.JSON reads a number beyond a double's range as an infinity and would write
        // it as Infinity, which is not JSON; null, as the /sql answers write them.
        if (!std::isfinite(v.get_double())) {
            out.append("null");
            return;
        }
        break;
    case json::kind::string: appendString(v.get_string(), out); return;
    case json::kind::int64: appendInteger(v.get_int64(), out); return;
    case json::kind::uint64: appendInteger(v.get_uint64(), out); return;
    case json::kind::bool_: out.append(v.get_bool() ? "true" : "false"); return;
    case json::kind::null: out.append("null"); return;
    }
    // Doubles are rare in records: Boost.JSON's own number format.
    out.append(json::serialize(v));
}

std::string canonicalText(const json::value& v, bool skipping = false, std::string_view skip = {}) {
    std::string out;
    out.reserve(1024);
    writeCanonical(v, out, skipping, skip);
    return out;
}

bool usableId(std::string_view id) {
    if (id.empty() || id.size() > kMaxIdLength) return false;
    return std::all_of(id.begin(), id.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

// Converts one field; on a type mismatch returns NULL and records the problem.
FieldValue convertField(const FieldSpec& field, const json::value& v, std::vector<std::string>& problems) {
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

} // namespace

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

std::string canonicalJson(const json::value& value) { return canonicalText(value); }

Result<MirrorRecord> recordFromJson(const RecordSchema& schema, const json::value& value,
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

    // The record as stored: its canonical text without the nested array.
    record.upstreamJson = canonicalText(value, !schema.childKey.empty(), schema.childKey);

    if (schema.child != nullptr) {
        if (auto kids = obj.find(schema.childKey); kids != obj.end() && !kids->value().is_null()) {
            if (!kids->value().is_array()) {
                record.problems.push_back(std::string(schema.childKey) + ": expected array, got " +
                                          jsonKindName(kids->value()));
            } else {
                const RecordSchema& childSchema = *schema.child;
                int parentIndex = fieldIndex(childSchema, childSchema.parentField);
                for (const auto& kid : kids->value().get_array()) {
                    auto child = recordFromJson(childSchema, kid, rejected);
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

} // namespace roomsd::model
