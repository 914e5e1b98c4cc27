// Contract checks of query strings and path segments: decoded by the query API
// (api/query_string.hpp), encoded by roomsctl (ctl/request.hpp) and the Telnyx client
// (telnyx/client.hpp). Each side is checked against the other.
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "api/query_string.hpp"
#include "ctl/request.hpp"
#include "fuzz/check_support.hpp"
#include "fuzz/targets.hpp"
#include "telnyx/client.hpp"

namespace roomsd::fuzz {
namespace {

bool isUnreservedOrEscape(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~' || c == '%';
}

bool isUpperHex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }

// The broken promise of an encoded target part, or nothing: only unreserved bytes and well-formed escapes.
Violation checkEncoded(std::string_view who, std::string_view encoded) {
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        if (!isUnreservedOrEscape(encoded[i])) return broken(who, "left a reserved byte unescaped");
        if (encoded[i] == '%' &&
            (i + 2 >= encoded.size() || !isUpperHex(encoded[i + 1]) || !isUpperHex(encoded[i + 2])))
            return broken(who, "wrote a malformed escape");
    }
    return std::nullopt;
}

// roomsctl's list target with `value` as a filter (`encoded`: the value as sent), and the
// query API's reading of that value.
std::optional<std::string> valueSentByRoomsctl(std::string_view value, std::string& encoded) {
    ctl::ListQuery list;
    list.filters = {{"filter[context]", std::string(value)}};
    std::string target = ctl::listRequest(model::participantsSchema(), list).target;
    std::string query = target.substr(target.find('?') + 1);
    encoded = query.substr(query.find('=') + 1);
    auto parameters = api::parseQueryString(query);
    auto found = parameters.find("filter[context]");
    return found == parameters.end() ? std::nullopt : found->second;
}

// The Telnyx client's path segment for the id `id` ("/rooms/<segment>").
std::string segmentSentByClient(std::string_view id) {
    return telnyx::recordRequestTarget(model::roomsSchema(), id).substr(std::string_view("/rooms/").size());
}

} // namespace

Violation checkQueryString(std::string_view input) {
    return guarded("parseQueryString", [&]() -> Violation {
        api::QueryParameters parameters = api::parseQueryString(input);
        // Re-encoding every parameter (a value that did not decode as a bad escape) gives the same parameters.
        auto encode = [](std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); };
        std::string rebuilt;
        for (const auto& [name, value] : parameters)
            rebuilt += (rebuilt.empty() ? "" : "&") + encode(name) + "=" + (value ? encode(*value) : "%");
        if (api::parseQueryString(rebuilt) != parameters)
            return broken("parseQueryString", "re-encoded parameters do not parse back: " + excerpt(rebuilt));
        return std::nullopt;
    });
}

Violation checkPercentCoding(std::string_view input) {
    return guarded("request targets/decodePathSegment", [&]() -> Violation {
        // The input as a value roomsctl sends and as an id the Telnyx client sends.
        std::string encoded;
        auto value = valueSentByRoomsctl(input, encoded);
        if (auto bad = checkEncoded("ctl::listRequest", encoded)) return bad;
        if (value != std::string(input)) return broken("parseQueryString", "does not give back what roomsctl encoded");
        std::string segment = segmentSentByClient(input);
        if (auto bad = checkEncoded("telnyx::recordRequestTarget", segment)) return bad;
        if (api::decodePathSegment(segment) != std::string(input))
            return broken("decodePathSegment", "does not give back what the client encoded");
        // The input as a path segment and as a query value someone else encoded.
        auto decoded = api::decodePathSegment(input);
        if (!decoded && input.find('%') == std::string_view::npos)
            return broken("decodePathSegment", "refused a text without '%'");
        if (decoded && api::decodePathSegment(segmentSentByClient(*decoded)) != decoded)
            return broken("decodePathSegment", "a decoded text does not survive another round");
        if (input.find('&') == std::string_view::npos) {
            auto parameters = api::parseQueryString("v=" + std::string(input));
            const auto& inQuery = parameters.at("v");
            if (!inQuery && input.find('%') == std::string_view::npos)
                return broken("parseQueryString", "refused a value without '%'");
            if (inQuery && valueSentByRoomsctl(*inQuery, encoded) != inQuery)
                return broken("parseQueryString", "a decoded value does not survive another round");
        }
        return std::nullopt;
    });
}

} // namespace roomsd::fuzz
