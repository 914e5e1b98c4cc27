#include "query.hpp"

#include <algorithm>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/pct_string_view.hpp>
#include <charconv>

namespace roomsd::sim {
namespace {

// One percent-encoded piece, decoded by Boost.URL; nullopt when an escape is broken.
std::optional<std::string> decoded(std::string_view encoded) {
    auto view = boost::urls::make_pct_string_view(encoded);
    if (!view) return std::nullopt;
    return view->decode(boost::urls::encoding_opts(/*space_as_plus=*/true));
}

// A whole decimal integer: an optional '-' and digits, nothing else, in range.
std::optional<std::int64_t> wholeInteger(std::string_view text) {
    std::int64_t value = 0;
    const char* end = text.data() + text.size();
    auto [stop, problem] = std::from_chars(text.data(), end, value);
    if (text.empty() || problem != std::errc() || stop != end) return std::nullopt;
    return value;
}

std::string describe(const QueryParameter& p, bool decoded) {
    if (decoded && !p.allowed.empty()) {
        std::string list;
        for (const std::string& value : p.allowed) list += (list.empty() ? "" : ", ") + value;
        return p.name + " must be one of " + list;
    }
    switch (p.type) {
    case ParameterType::Boolean: return p.name + " must be true or false";
    case ParameterType::Date: return p.name + " must be a date YYYY-MM-DD";
    case ParameterType::Integer:
        if (p.minimum && p.maximum)
            return p.name + " must be an integer between " + std::to_string(*p.minimum) + " and " +
                   std::to_string(*p.maximum);
        if (p.minimum) return p.name + " must be an integer >= " + std::to_string(*p.minimum);
        if (p.maximum) return p.name + " must be an integer <= " + std::to_string(*p.maximum);
        return p.name + " must be an integer";
    case ParameterType::String: break;
    }
    return p.name + " is not valid percent-encoding";
}

// The value of `p` in `text` as the spec types it; nullopt when it is not one.
std::optional<FieldValue> typedValue(const QueryParameter& p, const std::optional<std::string>& text) {
    if (!text) return std::nullopt;
    if (!p.allowed.empty() && std::find(p.allowed.begin(), p.allowed.end(), *text) == p.allowed.end())
        return std::nullopt;
    switch (p.type) {
    case ParameterType::String: return FieldValue{*text};
    case ParameterType::Boolean:
        if (*text == "true" || *text == "false") return FieldValue{*text == "true"};
        return std::nullopt;
    case ParameterType::Date:
        if (auto date = parseDate(*text)) return FieldValue{startOf(*date)};
        return std::nullopt;
    case ParameterType::Integer: {
        auto n = wholeInteger(*text);
        if (!n || (p.minimum && *n < *p.minimum) || (p.maximum && *n > *p.maximum)) return std::nullopt;
        return FieldValue{*n};
    }
    }
    return std::nullopt;
}

DateFilter& dateFilterOn(ListQuery& query, std::string_view field) {
    for (DateFilter& filter : query.dateFilters)
        if (filter.field == field) return filter;
    return query.dateFilters.emplace_back(DateFilter{field, {}, {}, {}});
}

// When several parameters are bad, the first in this order is the one named (the spec
// names no order; this is the simulator's documented one): page[size], page[number], the
// include flag, date filters (the list's own date first, then updated_at, then the
// rest; eq, gte, lte), then exact filters (text before booleans).
int validationRank(const StreamSchema& schema, const QueryParameter& p) {
    switch (p.role) {
    case ParameterRole::PageSize: return 0;
    case ParameterRole::PageNumber: return 1;
    case ParameterRole::IncludeChildren: return 2;
    case ParameterRole::DateFilter: {
        int field = p.field == schema.orderField ? 0 : p.field == "updated_at" ? 1 : 2;
        int comparison = p.comparison == "eq" ? 0 : p.comparison == "gte" ? 1 : 2;
        return 10 + field * 3 + comparison;
    }
    case ParameterRole::ExactFilter: return p.type == ParameterType::Boolean ? 31 : 30;
    }
    return 99;
}

} // namespace

DecodedQuery decodeQuery(std::string_view query) {
    DecodedQuery out;
    // Boost.URL's parse_query refuses the raw brackets clients send in deepObject names
    // (RFC 3986 reserves them), so the pieces are cut at '&' and '=' here and each one
    // is decoded by Boost.URL.
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view piece = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (piece.empty()) continue;
        std::size_t equals = piece.find('=');
        auto key = decoded(piece.substr(0, equals));
        if (!key) continue; // a name that is not even decodable names nothing we know
        out[*key] =
            equals == std::string_view::npos ? std::optional<std::string>("") : decoded(piece.substr(equals + 1));
    }
    return out;
}

std::variant<ListQuery, InvalidParameter> parseQuery(const ApiSpec& spec, const Operation& operation,
                                                     std::string_view query) {
    DecodedQuery given = decodeQuery(query);
    ListQuery out;
    std::vector<const QueryParameter*> ordered;
    for (const QueryParameter& p : operation.parameters) {
        if (p.fallback && p.role == ParameterRole::PageNumber) out.pageNumber = *p.fallback;
        if (p.fallback && p.role == ParameterRole::PageSize) out.pageSize = *p.fallback;
        ordered.push_back(&p);
    }
    const StreamSchema& schema = spec.schema(operation.stream);
    std::stable_sort(ordered.begin(), ordered.end(), [&](const QueryParameter* a, const QueryParameter* b) {
        return validationRank(schema, *a) < validationRank(schema, *b);
    });
    for (const QueryParameter* parameter : ordered) {
        const QueryParameter& p = *parameter;
        auto it = given.find(p.name);
        if (it == given.end()) continue;
        std::optional<FieldValue> value = typedValue(p, it->second);
        if (!value) return InvalidParameter{p.name, describe(p, it->second.has_value())};
        switch (p.role) {
        case ParameterRole::PageNumber: out.pageNumber = std::get<std::int64_t>(*value); break;
        case ParameterRole::PageSize: out.pageSize = std::get<std::int64_t>(*value); break;
        case ParameterRole::IncludeChildren: out.includeChildren = std::get<bool>(*value); break;
        case ParameterRole::ExactFilter: out.exactFilters.push_back({p.field, std::move(*value)}); break;
        case ParameterRole::DateFilter: {
            Date date = dateOf(std::get<Timestamp>(*value));
            DateFilter& filter = dateFilterOn(out, p.field);
            (p.comparison == "eq" ? filter.eq : p.comparison == "gte" ? filter.gte : filter.lte) = date;
            break;
        }
        }
    }
    return out;
}

bool matches(const ListQuery& query, const StreamSchema& schema, const Record& record) {
    for (const DateFilter& filter : query.dateFilters) {
        auto when = timestampOf(schema, record, filter.field);
        if (!when) return false;
        Date date = dateOf(*when);
        if (filter.eq && date != *filter.eq) return false;
        if (filter.gte && date < *filter.gte) return false;
        if (filter.lte && date > *filter.lte) return false;
    }
    for (const ExactFilter& filter : query.exactFilters)
        if (valueOf(schema, record, filter.field) != filter.value) return false;
    return true;
}

PageSlice paginate(std::size_t total, std::int64_t number, std::int64_t size) {
    PageSlice slice;
    if (size < 1 || number < 1) return slice;
    auto pageSize = static_cast<std::size_t>(size);
    slice.totalPages = static_cast<std::int64_t>((total + pageSize - 1) / pageSize);
    if (number > slice.totalPages) return slice;
    slice.offset = static_cast<std::size_t>(number - 1) * pageSize;
    slice.count = std::min(pageSize, total - slice.offset);
    return slice;
}

std::optional<std::int64_t> requestedPageNumber(std::string_view query) {
    DecodedQuery given = decodeQuery(query);
    auto it = given.find("page[number]");
    if (it == given.end()) return 1;
    if (!it->second) return std::nullopt;
    return wholeInteger(*it->second);
}

} // namespace roomsd::sim
