// List and by-id response bodies of the Telnyx API, parsed into MirrorRecords.
// Thread-safety: pure functions.
#include "telnyx/parse.hpp"

#include <boost/json.hpp>

#include "common/strings.hpp"
#include "model/record_json.hpp"
#include "telnyx/json_fields.hpp"

namespace json = boost::json;

namespace roomsd::telnyx {
namespace {

using model::MirrorRecord;
using model::RecordSchema;

// The tree is allocated from `storage`: a body's tree is read once, into records that own their
// text, and dropped, so a monotonic resource frees it in one go instead of node by node.
Result<json::value> parseJson(std::string_view body, json::storage_ptr storage) {
    json::error_code ec;
    json::parse_options options;
    options.max_depth = 64;
    json::value value = json::parse(body, ec, std::move(storage), options);
    if (ec) {
        if (body.empty()) return fail(ErrorKind::Protocol, "response body is empty, expected JSON");
        return fail(ErrorKind::Protocol, "response body is not valid JSON (" + ec.message() + "): starts with " +
                                             quoteForLog(body.substr(0, 80), 80));
    }
    return value;
}

} // namespace

Result<ListPage> parseListPage(const RecordSchema& schema, std::string_view body) {
    json::monotonic_resource tree;
    auto parsed = parseJson(body, &tree);
    if (!parsed) return std::move(parsed).error();
    if (!parsed->is_object())
        return fail(ErrorKind::Protocol, std::string("list response is a JSON ") + model::jsonKindName(*parsed) +
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
        auto record = model::recordFromJson(schema, items[i], page.rejected);
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

Result<ListPage> readListPage(const RecordSchema& schema, std::string_view body, bool digest,
                              const std::optional<Digest128>& known) {
    std::optional<Digest128> digested;
    if (digest || known) digested = digestOf(body);
    if (digested && digested == known) {
        ListPage same;
        same.digest = digested;
        same.unparsed = true;
        same.body = std::string(body);
        return same;
    }
    auto parsed = parseListPage(schema, body);
    if (parsed) parsed->digest = digested;
    return parsed;
}

Result<MirrorRecord> parseRecordBody(const RecordSchema& schema, std::string_view body) {
    json::monotonic_resource tree;
    auto parsed = parseJson(body, &tree);
    if (!parsed) return std::move(parsed).error();
    if (!parsed->is_object() || !parsed->get_object().contains("data"))
        return fail(ErrorKind::Protocol, "response has no data object");
    std::vector<std::string> rejected;
    auto record = model::recordFromJson(schema, parsed->get_object().at("data"), rejected);
    if (!record) return std::move(record).error();
    return record;
}

} // namespace roomsd::telnyx
