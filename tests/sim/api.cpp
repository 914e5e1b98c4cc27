#include "api.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/pct_string_view.hpp>
#include <optional>
#include <variant>
#include <vector>

#include "common/strings.hpp"
#include "query.hpp"

namespace roomsd::sim {
namespace {

namespace json = boost::json;

// The spec's video_Error: code and title always, detail, and source.parameter when given.
json::object errorObject(const ErrorText& error) {
    json::object out{{"code", error.code}, {"title", error.title}, {"detail", error.detail}};
    if (!error.parameter.empty()) out["source"] = json::object{{"parameter", error.parameter}};
    return out;
}

struct Matched {
    const Operation* operation = nullptr;
    std::string id; // the path parameter, decoded; empty when the template has none
};

// The operation whose path template `segments` fits, literal segments equal and
// {parameters} any non-empty, decodable segment.
std::optional<Matched> matchOperation(const ApiSpec& spec, const std::vector<std::string_view>& segments) {
    for (const Operation& op : spec.operations()) {
        if (op.segments.size() != segments.size()) continue;
        Matched match{&op, {}};
        bool fits = true;
        for (std::size_t i = 0; fits && i < segments.size(); ++i) {
            if (!op.segments[i].starts_with('{')) {
                fits = op.segments[i] == segments[i];
                continue;
            }
            auto encoded = boost::urls::make_pct_string_view(segments[i]);
            fits = encoded.has_value();
            if (fits) match.id = encoded->decode();
        }
        if (fits) return match;
    }
    return std::nullopt;
}

// "/v2/rooms/abc" -> {"rooms", "abc"}; nullopt outside the base path or with an empty segment.
std::optional<std::vector<std::string_view>> segmentsBelow(std::string_view base, std::string_view path) {
    if (!path.starts_with(base) || path.size() <= base.size() + 1 || path[base.size()] != '/') return std::nullopt;
    std::vector<std::string_view> out;
    std::string_view rest = path.substr(base.size() + 1);
    for (;;) {
        std::size_t slash = rest.find('/');
        out.push_back(rest.substr(0, slash));
        if (out.back().empty()) return std::nullopt;
        if (slash == std::string_view::npos) return out;
        rest = rest.substr(slash + 1);
    }
}

ApiReply viewRecord(const Account& account, const Matched& match, const ListQuery& query) {
    Stream stream = match.operation->stream;
    const Record* record = account.find(stream, match.id);
    if (record == nullptr) {
        std::string what = account.schema(stream).recordType;
        std::replace(what.begin(), what.end(), '_', ' ');
        ErrorText missing = errorForStatus(404);
        missing.detail = "The " + what + " " + match.id + " could not be found.";
        return {404, match.operation->notFoundIsSingleError ? json::serialize(errorObject(missing))
                                                            : errorListBody(account.spec(), missing)};
    }
    return {200, json::serialize(json::object{{"data", account.render(stream, *record, query.includeChildren)}})};
}

ApiReply listRecords(const Account& account, const Matched& match, const ListQuery& query) {
    Stream stream = match.operation->stream;
    const StreamSchema& schema = account.schema(stream);
    std::vector<const Record*> selected;
    auto consider = [&](const Record& record) {
        if (matches(query, schema, record)) selected.push_back(&record);
    };
    if (match.operation->parentField.empty()) {
        for (const Record& record : account.records(stream)) consider(record);
    } else {
        for (const Record* record : account.withParent(stream, match.operation->parentField, match.id))
            consider(*record);
    }
    PageSlice slice = paginate(selected.size(), query.pageNumber, query.pageSize);
    json::array data;
    data.reserve(slice.count);
    for (std::size_t i = 0; i < slice.count; ++i)
        data.push_back(account.render(stream, *selected[slice.offset + i], query.includeChildren));
    json::object meta{{"page_number", query.pageNumber},
                      {"page_size", query.pageSize},
                      {"total_pages", slice.totalPages},
                      {"total_results", static_cast<std::int64_t>(selected.size())}};
    return {200, json::serialize(json::object{{"data", std::move(data)}, {"meta", std::move(meta)}}), true};
}

} // namespace

std::string errorListBody(const ApiSpec& spec, const ErrorText& error) {
    json::object body;
    body[spec.errorListKey()] = json::array{errorObject(error)};
    return json::serialize(body);
}

ErrorText errorForStatus(unsigned status) {
    switch (status) {
    case 401: return {"10009", "Authentication failed", "The API key is missing or not valid.", ""};
    case 403: return {"10010", "Authorization failed", "The API key may not do this.", ""};
    case 404: return {"10005", "Resource not found", "The requested resource could not be found.", ""};
    case 405: return {"10405", "Method not allowed", "Only GET is supported here.", ""};
    case 422: return {"10015", "Invalid parameter", "The request could not be processed.", ""};
    case 429: return {"10011", "Too many requests", "The rate limit was exceeded; retry later.", ""};
    default: break;
    }
    if (status >= 500)
        return {"10007", "Unexpected error", "The service failed (simulated status " + std::to_string(status) + ").",
                ""};
    return {std::to_string(status), "Error", "Simulated status " + std::to_string(status) + ".", ""};
}

ApiReply answerApiRequest(const Account& account, std::string_view target) {
    const ApiSpec& spec = account.spec();
    std::size_t question = target.find('?');
    std::string_view path = target.substr(0, question);
    std::string_view queryText = question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
    auto segments = segmentsBelow(spec.basePath(), path);
    std::optional<Matched> match = segments ? matchOperation(spec, *segments) : std::nullopt;
    if (!match) {
        ErrorText missing = errorForStatus(404);
        missing.detail = "There is no route " + printableForLog(path);
        return {404, errorListBody(spec, missing)};
    }
    auto parsed = parseQuery(spec, *match->operation, queryText);
    if (const auto* invalid = std::get_if<InvalidParameter>(&parsed)) {
        ErrorText bad = errorForStatus(422);
        bad.detail = invalid->detail;
        bad.parameter = invalid->parameter;
        return {422, errorListBody(spec, bad)};
    }
    const ListQuery& query = std::get<ListQuery>(parsed);
    return match->operation->lists ? listRecords(account, *match, query) : viewRecord(account, *match, query);
}

} // namespace roomsd::sim
