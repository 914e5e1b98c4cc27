// Query strings and path segments, decoded with Boost.URL.
// Thread-safety: pure functions.
#include "api/query_string.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/rfc/pchars.hpp>

namespace roomsd::api {
namespace {

namespace urls = boost::urls;

const urls::encoding_opts kQueryDecoding(true); // '+' is a space
constexpr auto kQueryChars = urls::pchars + urls::grammar::lut_chars("/?");

// Clients (and the spec's own examples) send brackets and other bytes a query may not
// hold raw; Boost.URL parses only strict RFC 3986 queries, so those are escaped first.
// '%' stays as it is: an escape is decoded, a broken one is found by the parser.
// (urls::encode always escapes '%', so it encodes the runs between them.)
std::string strictQuery(std::string_view query) {
    std::string out;
    out.reserve(query.size());
    for (std::string_view rest = query;;) { // each round takes a '%' off `rest`, or ends
        std::size_t percent = rest.find('%');
        out += urls::encode(rest.substr(0, percent), kQueryChars);
        if (percent == std::string_view::npos) return out;
        out += '%';
        rest.remove_prefix(percent + 1);
    }
}

std::optional<std::string> decode(std::string_view text, const urls::encoding_opts& options) {
    auto encoded = urls::make_pct_string_view(urls::string_view(text.data(), text.size()));
    if (!encoded) return std::nullopt;
    return encoded->decode(options);
}

} // namespace

QueryParameters parseQueryString(std::string_view query) {
    QueryParameters out;
    std::string strict = strictQuery(query);
    if (auto whole = urls::parse_query(strict)) {
        for (auto param : *whole) {
            if (param.key.empty() && !param.has_value) continue; // "a&&b"
            out[param.key.decode(kQueryDecoding)] = param.value.decode(kQueryDecoding);
        }
        return out;
    }
    // One parameter or more is not valid percent-encoding, which makes Boost.URL refuse the
    // whole query: read the pairs one by one, so that the good ones count and a bad value is
    // named by the code that knows its parameter.
    std::string_view rest = strict;
    std::size_t start = 0;
    while (start <= rest.size()) {
        std::size_t end = rest.find('&', start);
        if (end == std::string_view::npos) end = rest.size();
        std::string_view pair = rest.substr(start, end - start);
        start = end + 1;
        if (pair.empty()) continue;
        std::size_t eq = pair.find('=');
        auto name = decode(pair.substr(0, eq), kQueryDecoding);
        if (!name) continue;
        out[*name] = eq == std::string_view::npos ? std::optional<std::string>(std::string())
                                                  : decode(pair.substr(eq + 1), kQueryDecoding);
    }
    return out;
}

std::optional<std::string> decodePathSegment(std::string_view segment) { return decode(segment, {}); }

} // namespace roomsd::api
