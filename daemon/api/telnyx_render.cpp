// Rendering of stored records in the Telnyx shape.
// Thread-safety: pure functions.
#include "api/telnyx_render.hpp"

#include <boost/json.hpp>
#include <boost/json/monotonic_resource.hpp>

#include <array>

#include "common/strings.hpp"

namespace roomsd::api {
namespace {

namespace json = boost::json;

// Every value of one body lives in one monotonic resource, first in a buffer on the stack
// (a by-id body fits): the parsed records' values are moved into the answer, not copied,
// and nothing is freed one value at a time.
constexpr std::size_t kBodyBuffer = 8192;

Result<json::object> renderRecord(const model::RecordSchema& schema, const store::StoredRecord& record,
                                  const json::storage_ptr& storage) {
    json::error_code ec;
    json::value parsed = json::parse(record.upstreamJson, ec, storage);
    if (ec || !parsed.is_object())
        return fail(ErrorKind::Internal, "a stored " + std::string(schema.recordType) + " is not a JSON object");
    json::object& stored = parsed.as_object();
    json::object out(storage);
    out.reserve(stored.size() + 1);
    // Each stored value is moved once: "id" and "record_type" here, the others in the loop that skips them.
    if (auto it = stored.find("id"); it != stored.end()) out["id"] = std::move(it->value());
    for (auto& entry : stored) {
        std::string_view key = entry.key();
        if (key == "id" || key == "record_type" || (!schema.childKey.empty() && key == schema.childKey)) continue;
        out[key] = std::move(entry.value());
    }
    if (!schema.childKey.empty()) {
        json::array children(storage);
        if (schema.child != nullptr) {
            children.reserve(record.children.size());
            for (const store::StoredRecord& child : record.children) {
                auto rendered = renderRecord(*schema.child, child, storage);
                if (!rendered) return std::move(rendered).error();
                children.push_back(std::move(*rendered));
            }
        }
        out[schema.childKey] = std::move(children);
    }
    if (auto it = stored.find("record_type"); it != stored.end()) out["record_type"] = std::move(it->value());
    return out;
}

} // namespace

Result<std::string> renderListBody(const model::RecordSchema& schema, const store::RecordPage& page,
                                   std::int64_t pageNumber, std::int64_t pageSize) {
    std::array<unsigned char, kBodyBuffer> buffer;
    json::monotonic_resource resource(buffer.data(), buffer.size());
    json::storage_ptr storage(&resource);
    json::array data(storage);
    data.reserve(page.records.size());
    for (const store::StoredRecord& record : page.records) {
        auto rendered = renderRecord(schema, record, storage);
        if (!rendered) return std::move(rendered).error();
        data.push_back(std::move(*rendered));
    }
    json::object meta(storage);
    meta["page_number"] = pageNumber;
    meta["page_size"] = pageSize;
    meta["total_pages"] = pageSize > 0 ? (page.totalResults + pageSize - 1) / pageSize : 0;
    meta["total_results"] = page.totalResults;
    json::object body(storage);
    body["data"] = std::move(data);
    body["meta"] = std::move(meta);
    return json::serialize(body);
}

Result<std::string> renderRecordBody(const model::RecordSchema& schema, const store::StoredRecord& record) {
    std::array<unsigned char, kBodyBuffer> buffer;
    json::monotonic_resource resource(buffer.data(), buffer.size());
    json::storage_ptr storage(&resource);
    auto rendered = renderRecord(schema, record, storage);
    if (!rendered) return std::move(rendered).error();
    json::object body(storage);
    body["data"] = std::move(*rendered);
    return json::serialize(body);
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
