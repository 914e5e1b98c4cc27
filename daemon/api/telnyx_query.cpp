// Parameter validation of the Telnyx-compatible routes, derived from the record schemas.
// Thread-safety: pure functions.
#include "api/telnyx_query.hpp"

#include <cstdint>
#include <optional>

#include "api/query_string.hpp"
#include "common/strings.hpp"

namespace roomsd::api {
namespace {

using model::FilterKind;

std::optional<Error> readBoolean(const std::string& name, const std::optional<std::string>& text, bool& out) {
    if (text && *text == "true")
        out = true;
    else if (text && *text == "false")
        out = false;
    else
        return invalidParameter(name, name + " must be true or false");
    return std::nullopt;
}

std::optional<Error> readInteger(const std::string& name, const std::optional<std::string>& text, std::int64_t low,
                                 std::int64_t high, std::int64_t& out) {
    auto value = text ? parseInteger(*text) : std::nullopt;
    if (!value || *value < low || *value > high) {
        std::string range = high == INT64_MAX ? " >= " + std::to_string(low)
                                              : " between " + std::to_string(low) + " and " + std::to_string(high);
        return invalidParameter(name, name + " must be an integer" + range);
    }
    out = *value;
    return std::nullopt;
}

} // namespace

Result<store::ListRequest> parseTelnyxQuery(const model::TelnyxRoute& route, const std::string& id,
                                            std::string_view query) {
    const model::RecordSchema& schema = *route.schema;
    store::ListRequest out;
    out.schema = &schema;
    out.pageSize = schema.page.defaultSize;
    if (route.kind == model::RouteKind::Nested) out.parentId = id;
    QueryParameters parameters = parseQueryString(query);
    auto find = [&](const std::string& name) -> const std::optional<std::string>* {
        auto it = parameters.find(name);
        return it == parameters.end() ? nullptr : &it->second;
    };
    if (route.paged()) {
        if (const auto* size = find("page[size]"))
            if (auto bad = readInteger("page[size]", *size, schema.page.minSize, schema.page.maxSize, out.pageSize))
                return *bad;
        if (const auto* number = find("page[number]"))
            if (auto bad = readInteger("page[number]", *number, schema.page.minNumber, INT64_MAX, out.pageNumber))
                return *bad;
    }
    std::string include(route.includeParam());
    if (!include.empty())
        if (const auto* flag = find(include))
            if (auto bad = readBoolean(include, *flag, out.includeChildren)) return *bad;
    std::vector<const model::FilterSpec*> filters = route.filters();
    for (const model::FilterSpec* filter : filters) {
        if (filter->kind != FilterKind::Date) continue;
        store::DateRange range{filter->field, {}, {}, {}};
        bool any = false;
        for (model::DateOp op : model::kDateOps) {
            std::string name = model::filterParameter(*filter, op);
            const auto* text = find(name);
            if (text == nullptr) continue;
            auto date = *text ? parseDate(**text) : std::nullopt;
            if (!date) return invalidParameter(name, name + " must be a date YYYY-MM-DD");
            (op == model::DateOp::Eq ? range.eq : op == model::DateOp::Gte ? range.gte : range.lte) = *date;
            any = true;
        }
        if (any) out.dates.push_back(range);
    }
    for (const model::FilterSpec* filter : filters) {
        if (filter->kind != FilterKind::Exact) continue;
        std::string name = model::filterParameter(*filter);
        const auto* text = find(name);
        if (text == nullptr) continue;
        if (!*text) return invalidParameter(name, name + " is not valid percent-encoding");
        out.matches.push_back({filter->field, **text});
    }
    for (const model::FilterSpec* filter : filters) {
        if (filter->kind != FilterKind::Boolean) continue;
        std::string name = model::filterParameter(*filter);
        if (const auto* text = find(name)) {
            bool value = false;
            if (auto bad = readBoolean(name, *text, value)) return *bad;
            out.matches.push_back({filter->field, value});
        }
    }
    return out;
}

} // namespace roomsd::api
