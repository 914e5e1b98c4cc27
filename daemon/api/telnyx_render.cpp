// Rendering of stored records in the Telnyx shape.
// Thread-safety: pure functions.
#include "api/telnyx_render.hpp"

#include <boost/json.hpp>

#include "common/strings.hpp"

namespace roomsd::api {
namespace {

namespace json = boost::json;

Result<json::object> renderRecord(const model::RecordSchema& schema, const store::StoredRecord& record) {
    json::error_code ec;
    json::value parsed = json::parse(record.upstreamJson, ec);
    if (ec || !parsed.is_object())
        return fail(ErrorKind::Internal, "a stored " + std::string(schema.recordType) + " is not a JSON object");
    json::object& stored = parsed.as_object();
    json::object out;
    out.reserve(stored.size() + 1);
    if (auto it = stored.find("id"); it != stored.end()) out["id"] = it->value();
    for (const auto& entry : stored) {
        std::string_view key = entry.key();
        if (key == "id" || key == "record_type" || (!schema.childKey.empty() && key == schema.childKey)) continue;
        out[key] = entry.value();
    }
    if (!schema.childKey.empty()) {
        json::array children;
        if (schema.child != nullptr)
            for (const store::StoredRecord& child : record.children) {
                auto rendered = renderRecord(*schema.child, child);
                if (!rendered) return std::move(rendered).error();
                children.push_back(std::move(*rendered));
            }
        out[schema.childKey] = std::move(children);
    }
    if (auto it = stored.find("record_type"); it != stored.end()) out["record_type"] = it->value();
    return out;
}

} // namespace

Result<std::string> renderListBody(const model::RecordSchema& schema, const store::RecordPage& page,
                                   std::int64_t pageNumber, std::int64_t pageSize) {
    json::array data;
    data.reserve(page.records.size());
    for (const store::StoredRecord& record : page.records) {
        auto rendered = renderRecord(schema, record);
        if (!rendered) return std::move(rendered).error();
        data.push_back(std::move(*rendered));
    }
    json::object meta;
    meta["page_number"] = pageNumber;
    meta["page_size"] = pageSize;
    meta["total_pages"] = pageSize > 0 ? (page.totalResults + pageSize - 1) / pageSize : 0;
    meta["total_results"] = page.totalResults;
    json::object body;
    body["data"] = std::move(data);
    body["meta"] = std::move(meta);
    return json::serialize(body);
}

Result<std::string> renderRecordBody(const model::RecordSchema& schema, const store::StoredRecord& record) {
    auto rendered = renderRecord(schema, record);
    if (!rendered) return std::move(rendered).error();
    return json::serialize(json::object{{"data", std::move(*rendered)}});
}

std::string resourceNotFoundBody(const model::RecordSchema& schema, std::string_view id) {
    std::string what(schema.recordType);
    for (char& c : what)
        if (c == '_') c = ' ';
    json::object error;
    error["code"] = "10005";
    error["title"] = "Resource not found";
    error["detail"] = "The " + what + " " + printableForLog(id) + " could not be found.";
    return json::serialize(error);
}

} // namespace roomsd::api
