// Parsing of POST /sql bodies and Accept headers.
// Thread-safety: pure functions.
#include "api/sql_request.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <charconv>
#include <optional>

#include "common/strings.hpp"

namespace roomsd::api {

namespace {

Error badBody(std::string detail) { return fail(ErrorKind::Usage, std::move(detail)); }

namespace json = boost::json;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::optional<store::SqlParam> paramOf(const json::value& v) {
    switch (v.kind()) {
    case json::kind::null: return store::SqlParam{};
    case json::kind::bool_: return store::SqlParam{std::int64_t{v.get_bool() ? 1 : 0}};
    case json::kind::int64: return store::SqlParam{v.get_int64()};
    case json::kind::uint64:
        if (v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
            return store::SqlParam{static_cast<std::int64_t>(v.get_uint64())};
        return store::SqlParam{static_cast<double>(v.get_uint64())};
    case json::kind::double_: return store::SqlParam{v.get_double()};
    case json::kind::string: return store::SqlParam{std::string(v.get_string())};
    default: return std::nullopt;
    }
}

// The q-value of one media range's parameters ("q=0.5"); 1 when absent, 0 when malformed.
double qualityOf(const std::vector<std::string_view>& parts) {
    for (std::size_t i = 1; i < parts.size(); ++i) {
        std::string_view p = trim(parts[i]);
        if (p.size() < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=') continue;
        std::string_view number = trim(p.substr(2));
        double q = 0;
        auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), q);
        if (ec != std::errc() || end != number.data() + number.size() || q < 0 || q > 1) return 0;
        return q;
    }
    return 1;
}

} // namespace

bool isJsonContentType(std::string_view contentType) {
    std::string_view type = trim(contentType.substr(0, contentType.find(';')));
    return lower(type) == "application/json";
}

Result<SqlRequest> parseSqlRequest(std::string_view contentType, std::string body) {
    if (!isJsonContentType(contentType)) return SqlRequest{std::move(body), {}};
    json::error_code ec;
    json::value parsed = json::parse(body, ec);
    if (ec) return badBody("the body is not valid JSON (" + ec.message() + "); send {\"sql\": \"...\"}");
    if (!parsed.is_object()) return badBody("the JSON body must be an object {\"sql\": \"...\", \"params\": [...]}");
    SqlRequest out;
    bool haveSql = false;
    for (const auto& entry : parsed.get_object()) {
        if (entry.key() == "sql") {
            if (!entry.value().is_string()) return badBody("\"sql\" must be a string");
            out.sql = std::string(entry.value().get_string());
            haveSql = true;
        } else if (entry.key() == "params") {
            if (entry.value().is_null()) continue;
            if (!entry.value().is_array()) return badBody("\"params\" must be an array of JSON scalars");
            std::size_t index = 0;
            for (const json::value& v : entry.value().get_array()) {
                ++index;
                auto param = paramOf(v);
                if (!param)
                    return badBody("params[" + std::to_string(index - 1) +
                                   "] must be a string, number, boolean or null");
                out.params.push_back(std::move(*param));
            }
        } else {
            return badBody("unknown key " + quoteForLog(entry.key(), 40) +
                           " in the JSON body; it takes \"sql\" and \"params\"");
        }
    }
    if (!haveSql) return badBody("the JSON body has no \"sql\" key");
    return out;
}

SqlFormat negotiateSqlFormat(std::string_view accept) {
    double json = 0, wildcard = 0, csv = 0, lines = 0;
    bool any = false;
    for (std::string_view range : split(accept, ',')) {
        std::vector<std::string_view> parts = split(range, ';');
        std::string type = lower(trim(parts[0]));
        if (type.empty()) continue;
        any = true;
        double q = qualityOf(parts);
        if (type == "text/csv") csv = std::max(csv, q);
        if (type == "application/x-ndjson" || type == "application/jsonl") lines = std::max(lines, q);
        if (type == "application/json") json = std::max(json, q);
        if (type == "application/*" || type == "*/*") wildcard = std::max(wildcard, q);
    }
    if (!any) return SqlFormat::Json;
    // A specific type beats a wildcard of the same quality; JSON wins a tie with the others, CSV one with JSON lines.
    auto beatsJson = [&](double q) { return q > 0 && q > json && q >= wildcard; };
    if (beatsJson(csv) && csv >= lines) return SqlFormat::Csv;
    if (beatsJson(lines)) return SqlFormat::JsonLines;
    return SqlFormat::Json;
}

} // namespace roomsd::api
