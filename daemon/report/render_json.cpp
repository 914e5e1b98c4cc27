// The JSON output (Boost.JSON builds and escapes it).
// Thread-safety: pure functions.
#include <boost/json.hpp>

#include <charconv>
#include <cmath>

#include "report/render.hpp"

namespace roomsd::report {
namespace {

namespace json = boost::json;

json::value jsonValue(const store::SqlValue& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
    if (const auto* d = std::get_if<double>(&value)) {
        if (!std::isfinite(*d)) return nullptr;
        return std::round(*d * 1000.0) / 1000.0;
    }
    if (const auto* s = std::get_if<std::string>(&value)) return json::string(*s);
    return nullptr;
}

json::value optionalText(const std::optional<std::string>& s) { return s ? json::value(json::string(*s)) : nullptr; }

json::object reportObject(const ReportOutcome& r) {
    const Period& p = r.bound.period;
    json::object period{{"from", formatDate(p.from)},
                        {"to", formatDate(p.to)},
                        {"start", formatTimestamp(p.start)},
                        {"end", formatTimestamp(p.end)},
                        {"report_end", formatTimestamp(p.reportEnd)}};
    json::object params;
    for (const auto& [name, value] : r.bound.shownParams)
        params[name] = value.empty() ? json::value(nullptr) : json::value(json::string(value));
    json::array columns;
    for (const std::string& c : r.table.columns) {
        std::string unit = r.definition->unitOf(c);
        columns.push_back(json::object{{"name", c}, {"unit", unit.empty() ? json::value(nullptr) : json::value(unit)}});
    }
    json::array rows;
    json::value total = nullptr;
    for (std::size_t k = 0; k < r.table.rows.size(); ++k) {
        json::object row;
        for (std::size_t i = 0; i < r.table.columns.size() && i < r.table.rows[k].size(); ++i)
            row[r.table.columns[i]] = jsonValue(r.table.rows[k][i]);
        if (r.definition->lastRowIsTotal && k + 1 == r.table.rows.size())
            total = std::move(row);
        else
            rows.push_back(std::move(row));
    }
    return json::object{{"report", r.definition->name},
                        {"title", r.definition->title},
                        {"description", r.definition->description},
                        {"period", std::move(period)},
                        {"room", optionalText(r.bound.room)},
                        {"parameters", std::move(params)},
                        {"generated_at", formatTimestamp(p.generatedAt)},
                        {"synced_at", optionalText(r.table.syncedAt)},
                        {"columns", std::move(columns)},
                        {"rows", std::move(rows)},
                        {"total", std::move(total)}};
}

// Boost.JSON writes 1080.5 as 1.0805E3; a report's figures read better as written: the
// shortest round-trip decimal, without an exponent. Strings and structure are the library's.
void write(std::string& out, const json::value& v) {
    switch (v.kind()) {
    case json::kind::double_: {
        char buffer[64];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.get_double(), std::chars_format::fixed);
        out += ec == std::errc() ? std::string_view(buffer, static_cast<std::size_t>(end - buffer)) : "null";
        return;
    }
    case json::kind::array: {
        out += '[';
        for (std::size_t i = 0; i < v.get_array().size(); ++i) {
            if (i > 0) out += ',';
            write(out, v.get_array()[i]);
        }
        out += ']';
        return;
    }
    case json::kind::object: {
        out += '{';
        bool first = true;
        for (const auto& [key, member] : v.get_object()) {
            if (!first) out += ',';
            first = false;
            out += json::serialize(json::string(key));
            out += ':';
            write(out, member);
        }
        out += '}';
        return;
    }
    default: out += json::serialize(v);
    }
}

std::string serialized(const json::value& v) {
    std::string out;
    write(out, v);
    return out + "\n";
}

} // namespace

std::string renderJson(std::span<const ReportOutcome> reports, bool several) {
    if (!several && reports.size() == 1) return serialized(reportObject(reports.front()));
    json::array all;
    for (const ReportOutcome& r : reports) all.push_back(reportObject(r));
    return serialized(json::object{{"reports", std::move(all)}});
}

} // namespace roomsd::report
