#include "ctl/request.hpp"

#include <array>
#include <boost/json/serialize.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <charconv>
#include <cmath>
#include <sys/un.h>

#include "common/strings.hpp"
#include "common/time.hpp"

namespace roomsd::ctl {
namespace {

using enum model::FilterKind;

constexpr std::string_view kApiPrefix = "/v2";
constexpr std::string_view kDefaultSocket = "/run/roomsd/roomsd.sock";

// "unique_name" -> "unique-name"; "created_at" -> "created" for the date flags.
std::string flagWord(std::string_view field, bool dateVerb) {
    std::string word(field);
    if (dateVerb && word.ends_with("_at")) word.resize(word.size() - 3);
    for (char& c : word)
        if (c == '_') c = '-';
    return word;
}

std::vector<FilterFlag> flagsOf(const model::RecordSchema& schema) {
    std::vector<FilterFlag> flags;
    for (const model::FilterSpec& filter : schema.filters) {
        if (filter.kind != FilterKind::Date) {
            flags.push_back({"--" + flagWord(filter.field, false), model::filterParameter(filter), filter.kind,
                             std::string(filter.help)});
            continue;
        }
        std::string verb = flagWord(filter.field, true);
        flags.push_back({"--" + verb + "-on", model::filterParameter(filter, model::DateOp::Eq), filter.kind,
                         verb + " on DATE (YYYY-MM-DD, UTC)"});
        flags.push_back({"--" + verb + "-since", model::filterParameter(filter, model::DateOp::Gte), filter.kind,
                         verb + " on or after DATE"});
        flags.push_back({"--" + verb + "-until", model::filterParameter(filter, model::DateOp::Lte), filter.kind,
                         verb + " on or before DATE"});
    }
    return flags;
}

Error usage(std::string message) { return fail(ErrorKind::Usage, std::move(message)); }

namespace urls = boost::urls;

std::string escaped(std::string_view text) { return escapeComponent(text); }

// GET /v2/<kind>, the target every request about one kind starts from.
urls::url kindTarget(const model::RecordSchema& schema) {
    urls::url target;
    target.set_path(std::string(kApiPrefix) + std::string(schema.listPath));
    return target;
}

void addParam(urls::url& target, std::string_view name, std::string_view value) {
    target.encoded_params().append({escaped(name), escaped(value)});
}

// A whole number in [minimum, maximum] for `flag`, or a Usage error saying what was expected.
Result<std::int64_t> boundedInteger(std::string_view flag, const std::string& text, std::int64_t minimum,
                                    std::int64_t maximum) {
    auto n = parseInteger(trim(text));
    if (!n || *n < minimum || *n > maximum) {
        std::string range = maximum == INT64_MAX
                                ? "a whole number of at least " + std::to_string(minimum)
                                : "a whole number from " + std::to_string(minimum) + " to " + std::to_string(maximum);
        return usage(std::string(flag) + ": expected " + range + ", got " + quoteForLog(text, 40));
    }
    return static_cast<std::int64_t>(*n);
}

} // namespace

// Boost.URL's own query charset would leave '+' raw, which the daemon (like most servers)
// reads as a space: names, values and ids are escaped down to the unreserved characters.
std::string escapeComponent(std::string_view text) { return boost::urls::encode(text, boost::urls::unreserved_chars); }

std::span<const FilterFlag> filterFlags(const model::RecordSchema& schema) {
    static const std::vector<FilterFlag> kFlags[] = {flagsOf(model::roomsSchema()), flagsOf(model::sessionsSchema()),
                                                     flagsOf(model::participantsSchema())};
    return kFlags[static_cast<std::size_t>(schema.stream)];
}

Result<ListQuery> parseListFlags(const model::RecordSchema& schema, const ListFlags& flags) {
    ListQuery query;
    std::size_t matched = 0;
    for (const FilterFlag& filter : filterFlags(schema)) {
        auto given = flags.filters.find(std::string(filter.flag));
        if (given == flags.filters.end()) continue;
        ++matched;
        const std::string& value = given->second;
        switch (filter.kind) {
        case Date:
            if (!parseDate(value))
                return usage(std::string(filter.flag) + ": expected a date as YYYY-MM-DD, got " +
                             quoteForLog(value, 40));
            break;
        case Boolean:
            if (value != "true" && value != "false")
                return usage(std::string(filter.flag) + ": expected true or false, got " + quoteForLog(value, 40));
            break;
        case Exact: break;
        }
        query.filters.emplace_back(filter.param, value);
    }
    if (matched != flags.filters.size()) {
        for (const auto& [flag, value] : flags.filters) {
            bool known = false;
            for (const FilterFlag& filter : filterFlags(schema)) known = known || filter.flag == flag;
            if (!known) return usage(flag + " is not a filter of " + std::string(schema.name));
        }
    }
    if (flags.includeChildren && schema.includeChildParam.empty())
        return usage(std::string(schema.name) + " have no nested records to include");
    query.includeChildren = flags.includeChildren;
    if (flags.all && flags.page) return usage("--all reads every page; it cannot be combined with --page");
    query.all = flags.all;
    if (flags.page) {
        auto page = boundedInteger("--page", *flags.page, schema.page.minNumber, INT64_MAX);
        if (!page) return std::move(page).error();
        query.pageNumber = *page;
    }
    if (flags.pageSize) {
        auto size = boundedInteger("--page-size", *flags.pageSize, schema.page.minSize, schema.page.maxSize);
        if (!size) return std::move(size).error();
        query.pageSize = *size;
    }
    return query;
}

HttpRequest listRequest(const model::RecordSchema& schema, const ListQuery& query) {
    urls::url target = kindTarget(schema);
    for (const auto& [name, value] : query.filters) addParam(target, name, value);
    if (query.includeChildren && !schema.includeChildParam.empty()) addParam(target, schema.includeChildParam, "true");
    if (query.pageNumber) addParam(target, "page[number]", std::to_string(*query.pageNumber));
    if (query.pageSize) addParam(target, "page[size]", std::to_string(*query.pageSize));
    HttpRequest request;
    request.target = target.buffer();
    return request;
}

Result<HttpRequest> recordRequest(const model::RecordSchema& schema, std::string_view id, bool includeChildren) {
    if (id.empty()) return usage("the record id is empty");
    if (includeChildren && schema.includeChildParam.empty())
        return usage(std::string(schema.name) + " have no nested records to include");
    urls::url target = kindTarget(schema);
    target.encoded_segments().push_back(escaped(id));
    if (includeChildren) addParam(target, schema.includeChildParam, "true");
    HttpRequest request;
    request.target = target.buffer();
    return request;
}

boost::json::value sqlParamValue(std::string_view text) {
    if (text == "null") return nullptr;
    if (auto integer = parseInteger(text)) return static_cast<std::int64_t>(*integer);
    bool looksIntegral = !text.empty() && text.find_first_not_of("-0123456789") == std::string_view::npos;
    if (!looksIntegral) {
        double real = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), real);
        if (ec == std::errc() && end == text.data() + text.size() && std::isfinite(real)) return real;
    }
    return boost::json::string(text);
}

Result<HttpRequest> sqlRequest(std::string_view sql, const std::vector<std::string>& params, std::string_view accept) {
    if (trim(sql).empty()) return usage("the SQL statement is empty");
    HttpRequest request;
    request.method = "POST";
    request.target = "/sql";
    request.accept = std::string(accept);
    if (params.empty()) {
        request.contentType = "text/plain; charset=utf-8";
        request.body = std::string(sql);
        return request;
    }
    boost::json::array values;
    for (const auto& p : params) values.push_back(sqlParamValue(p));
    request.contentType = "application/json";
    request.body = boost::json::serialize(boost::json::object{{"sql", sql}, {"params", std::move(values)}});
    return request;
}

HttpRequest statusRequest() { return HttpRequest{"GET", "/status", "application/json", "", ""}; }

HttpRequest syncRequest() { return HttpRequest{"POST", "/sync", "application/json", "", ""}; }

std::string defaultSocketPath(const char* environmentValue) {
    if (environmentValue != nullptr && *environmentValue != '\0') return environmentValue;
    return std::string(kDefaultSocket);
}

Result<void> checkSocketPath(std::string_view path) {
    if (path.empty()) return usage("--socket: the path is empty");
    constexpr std::size_t kMaxPath = sizeof(sockaddr_un::sun_path) - 1;
    if (path.size() > kMaxPath)
        return usage("--socket: " + quoteForLog(path, 60) + " is longer than a Unix socket path may be (" +
                     std::to_string(kMaxPath) + " bytes)");
    return {};
}

} // namespace roomsd::ctl
