// ScriptedSource: the API's answers, sliced from an in-memory upstream. Thread-safety: see scripted_source.hpp.
#include "scripted_source.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace json = boost::json;

namespace roomsd::test {
namespace {

bool listedSince(const json::object& record, const std::optional<Date>& since) {
    if (!since) return true;
    const json::value* updated = record.if_contains("updated_at");
    if (updated == nullptr || !updated->is_string()) return false;
    auto at = parseTimestamp(updated->get_string());
    return at && dateOf(*at) >= *since;
}

std::string_view idOf(const json::object& record) {
    const json::value* id = record.if_contains("id");
    return id != nullptr && id->is_string() ? std::string_view(id->get_string()) : std::string_view();
}

Error scriptedError(ErrorKind kind, const std::string& what) {
    return fail(kind, "scripted " + std::string(toString(kind)) + " error for " + what);
}

} // namespace

std::vector<json::object>& Upstream::of(const model::RecordSchema& schema) {
    return streams_[std::string(schema.name)];
}

void Upstream::append(const model::RecordSchema& schema, json::object record) {
    of(schema).push_back(std::move(record));
}

void Upstream::prepend(const model::RecordSchema& schema, json::object record) {
    auto& records = of(schema);
    records.insert(records.begin(), std::move(record));
}

bool Upstream::remove(const model::RecordSchema& schema, std::string_view id) {
    auto& records = of(schema);
    auto it = std::find_if(records.begin(), records.end(), [&](const json::object& r) { return idOf(r) == id; });
    if (it == records.end()) return false;
    records.erase(it);
    return true;
}

json::object* Upstream::find(const model::RecordSchema& schema, std::string_view id) {
    auto& records = of(schema);
    auto it = std::find_if(records.begin(), records.end(), [&](const json::object& r) { return idOf(r) == id; });
    return it == records.end() ? nullptr : &*it;
}

Result<telnyx::ListPage> ScriptedSource::listPage(const model::RecordSchema& schema, const telnyx::ListQuery& query,
                                                  std::stop_token stop) {
    std::lock_guard lock(mutex_);
    pages_.push_back(query.pageNumber);
    int request = static_cast<int>(pages_.size());
    // As the HTTP client: a stop before the request means no request.
    if (stop.stop_requested()) return fail(ErrorKind::Cancelled, "stopped before the request");
    ++counters_.requests;
    if (script.beforeList) script.beforeList(query, request, upstream);
    if (auto e = script.listErrors.find(request); e != script.listErrors.end()) {
        ++counters_.failed;
        return scriptedError(e->second, "list request " + std::to_string(request));
    }

    std::vector<const json::object*> listed;
    for (const json::object& record : upstream.of(schema))
        if (listedSince(record, query.updatedSince)) listed.push_back(&record);
    const auto size = static_cast<std::size_t>(std::max(1, query.pageSize));
    const std::int64_t number = script.ignorePageNumber ? 1 : std::max<std::int64_t>(1, query.pageNumber);
    const std::size_t from = static_cast<std::size_t>(number - 1) * size;
    json::array data;
    for (std::size_t i = from; i < listed.size() && i < from + size; ++i) {
        json::object record = *listed[i];
        if (!query.includeChildren && !schema.childKey.empty()) record.erase(schema.childKey);
        data.push_back(std::move(record));
    }
    json::object body{{"data", std::move(data)}};
    if (!script.omitMeta) {
        const auto total = static_cast<std::int64_t>(listed.size());
        const auto pages = (total + static_cast<std::int64_t>(size) - 1) / static_cast<std::int64_t>(size);
        body["meta"] = json::object{{"page_number", number},
                                    {"page_size", static_cast<std::int64_t>(size)},
                                    {"total_pages", script.totalPages.value_or(pages)},
                                    {"total_results", script.totalResults.value_or(total)}};
    }
    auto answered = telnyx::readListPage(schema, json::serialize(body), query.digest, query.knownDigest);
    if (answered && answered->unparsed) ++unparsed_;
    return answered;
}

Result<std::optional<model::MirrorRecord>> ScriptedSource::getRecord(const model::RecordSchema& schema,
                                                                     std::string_view id, std::stop_token stop) {
    std::lock_guard lock(mutex_);
    ids_.emplace_back(id);
    if (stop.stop_requested()) return fail(ErrorKind::Cancelled, "stopped before the request");
    ++counters_.requests;
    if (script.beforeGet) script.beforeGet(id, static_cast<int>(ids_.size()));

    std::optional<json::object> record;
    if (auto scripted = script.getAnswers.find(id); scripted != script.getAnswers.end()) {
        if (scripted->second.error) {
            ++counters_.failed;
            return scriptedError(*scripted->second.error, "GET " + std::string(id));
        }
        record = scripted->second.record;
    } else if (const json::object* held = upstream.find(schema, id)) {
        record = *held;
        // A record by id comes without its embedded children.
        if (!schema.childKey.empty()) record->erase(schema.childKey);
    }
    if (!record) return std::optional<model::MirrorRecord>();
    auto parsed = telnyx::parseRecordBody(schema, json::serialize(json::object{{"data", std::move(*record)}}));
    if (!parsed) return std::move(parsed).error();
    return std::optional<model::MirrorRecord>(std::move(*parsed));
}

telnyx::SourceCounters ScriptedSource::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

int ScriptedSource::unparsedPages() const {
    std::lock_guard lock(mutex_);
    return unparsed_;
}

std::vector<std::int64_t> ScriptedSource::pagesRequested() const {
    std::lock_guard lock(mutex_);
    return pages_;
}

std::vector<std::string> ScriptedSource::idsRequested() const {
    std::lock_guard lock(mutex_);
    return ids_;
}

void ScriptedSource::clearLogs() {
    std::lock_guard lock(mutex_);
    pages_.clear();
    ids_.clear();
}

} // namespace roomsd::test
