// Rendering of changes and rows.
// Thread-safety: pure functions.
#include "api/change_render.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "model/record_json.hpp"

namespace roomsd::api {
namespace {

namespace json = boost::json;

json::value valueJson(const model::FieldValue& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
    if (const auto* b = std::get_if<bool>(&value)) return *b;
    if (const auto* s = std::get_if<std::string>(&value)) return json::string(*s);
    return nullptr;
}

} // namespace

json::object rowJson(const store::TableRow& row) {
    json::object out;
    const auto& fields = row.schema->fields;
    out.reserve(fields.size() + 3);
    for (std::size_t i = 0; i < fields.size() && i < row.values.size(); ++i)
        out[fields[i].name] = valueJson(row.values[i]);
    out["upstream_json"] = row.upstreamJson;
    out["synced_at"] = row.syncedAt;
    out["deleted_at"] = row.deletedAt ? json::value(json::string(*row.deletedAt)) : json::value(nullptr);
    return out;
}

Result<store::TableRow> rowAfter(const store::Change& change) {
    json::error_code ec;
    json::value record = json::parse(change.record, ec);
    if (ec) return fail(ErrorKind::Storage, "change " + std::to_string(change.seq) + ": its record is not JSON");
    std::vector<std::string> rejected;
    auto converted = model::recordFromJson(*change.schema, record, rejected);
    if (!converted)
        return fail(ErrorKind::Storage, "change " + std::to_string(change.seq) + ": " + converted.error().message);
    store::TableRow row;
    row.schema = change.schema;
    row.values = std::move(converted->values);
    row.upstreamJson = change.record;
    row.syncedAt = change.appliedAt;
    if (change.op == "delete") row.deletedAt = change.appliedAt;
    return row;
}

Result<json::object> changeJson(const store::Change& change) {
    auto row = rowAfter(change);
    if (!row) return std::move(row).error();
    json::value record = json::parse(change.record);
    json::array fields;
    json::error_code ec;
    if (change.fields) {
        json::value parsed = json::parse(*change.fields, ec);
        if (!ec && parsed.is_array()) fields = std::move(parsed.as_array());
    } else if (record.is_object()) {
        // An insert: every field is new.
        std::vector<std::string> keys;
        for (const auto& kv : record.as_object()) keys.emplace_back(kv.key());
        std::sort(keys.begin(), keys.end());
        for (auto& key : keys) fields.emplace_back(json::string(key));
    }
    json::object out;
    out["seq"] = change.seq;
    out["kind"] = change.schema->table;
    out["id"] = change.recordId;
    out["op"] = change.op;
    out["fields"] = std::move(fields);
    out["applied_at"] = change.appliedAt;
    out["record"] = std::move(record);
    out["row"] = rowJson(*row);
    return out;
}

std::string snapshotRowLine(const store::TableRow& row) {
    json::object line;
    line["kind"] = row.schema->table;
    line["row"] = rowJson(row);
    return json::serialize(line) + "\n";
}

} // namespace roomsd::api
