// Parsing a report file's header and query.
// Thread-safety: pure functions.
#include "report/definition.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>

#include "common/strings.hpp"
#include "common/time.hpp"

namespace roomsd::report {
namespace {

constexpr std::array<std::string_view, 5> kTypeNames{"integer", "number", "text", "date", "boolean"};

bool isNameChar(char c, bool allowDash) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (allowDash && c == '-');
}

bool isIdentifier(std::string_view s) {
    return !s.empty() && !(s[0] >= '0' && s[0] <= '9') &&
           std::all_of(s.begin(), s.end(), [](char c) { return isNameChar(c, false); });
}

// The first word of `s` and what follows it, trimmed.
std::pair<std::string_view, std::string_view> firstWord(std::string_view s) {
    s = trim(s);
    auto space = s.find_first_of(" \t");
    if (space == std::string_view::npos) return {s, {}};
    return {s.substr(0, space), trim(s.substr(space + 1))};
}

struct Parser {
    const std::string& source;
    int line = 0;
    Error at(const std::string& problem) const {
        return fail(ErrorKind::Config, source + ":" + std::to_string(line) + ": " + problem);
    }
};

// `hours integer:1..8760 24 Hours a session may run` -> ParamSpec.
Result<ParamSpec> parseParam(const Parser& p, std::string_view value) {
    ParamSpec spec;
    auto [name, rest] = firstWord(value);
    if (!isIdentifier(name))
        return p.at("param: the name " + quoteForLog(name, 40) + " must be lower-case letters, digits and '_'");
    const auto& standard = standardParameterNames();
    if (std::find(standard.begin(), standard.end(), name) != standard.end() || name == "format")
        return p.at("param: " + std::string(name) + " is a standard parameter; every report has it already");
    spec.name = name;
    auto [typeText, rest2] = firstWord(rest);
    std::string_view typeName = typeText.substr(0, typeText.find(':'));
    auto type = std::find(kTypeNames.begin(), kTypeNames.end(), typeName);
    if (type == kTypeNames.end())
        return p.at("param: " + spec.name + ": the type " + quoteForLog(typeText, 40) +
                    " is not one of integer, number, text, date, boolean (integer:MIN..MAX for a range)");
    spec.type = static_cast<ParamType>(type - kTypeNames.begin());
    if (auto colon = typeText.find(':'); colon != std::string_view::npos) {
        std::string_view range = typeText.substr(colon + 1);
        auto dots = range.find("..");
        auto lo = dots == std::string_view::npos ? std::nullopt : parseInteger(range.substr(0, dots));
        auto hi = dots == std::string_view::npos ? std::nullopt : parseInteger(range.substr(dots + 2));
        if (spec.type != ParamType::Integer || !lo || !hi || *lo > *hi)
            return p.at("param: " + spec.name + ": a range is written integer:MIN..MAX, got " +
                        quoteForLog(typeText, 40));
        spec.min = lo;
        spec.max = hi;
    }
    auto [defaultText, description] = firstWord(rest2);
    if (defaultText.empty()) return p.at("param: " + spec.name + ": give a default value (or none) after the type");
    if (defaultText != "none") {
        if (auto problem = checkParamValue(spec, defaultText))
            return p.at("param: " + spec.name + ": default " + *problem);
        spec.defaultValue = std::string(defaultText);
    }
    spec.description = description;
    return spec;
}

Result<ChartSpec> parseChart(const Parser& p, std::string_view value) {
    auto [kind, rest] = firstWord(value);
    ChartSpec chart;
    if (kind == "none") {
        if (!rest.empty()) return p.at("chart: none takes no columns");
        return chart;
    }
    if (kind == "bar")
        chart.kind = ChartKind::Bar;
    else if (kind == "hbar")
        chart.kind = ChartKind::HorizontalBar;
    else
        return p.at("chart: the kind " + quoteForLog(kind, 40) + " is not one of bar, hbar, none");
    auto [label, rest2] = firstWord(rest);
    auto [valueColumn, extra] = firstWord(rest2);
    if (label.empty() || valueColumn.empty() || !extra.empty())
        return p.at("chart: write `chart: " + std::string(kind) + " LABEL_COLUMN VALUE_COLUMN`");
    chart.labelColumn = label;
    chart.valueColumn = valueColumn;
    return chart;
}

} // namespace

const std::vector<std::string_view>& standardParameterNames() {
    static const std::vector<std::string_view> names{"from",       "to",           "period_start", "period_end",
                                                     "report_end", "generated_at", "room"};
    return names;
}

const ParamSpec* ReportDefinition::findParam(std::string_view param) const {
    auto it = std::find_if(params.begin(), params.end(), [&](const ParamSpec& p) { return p.name == param; });
    return it == params.end() ? nullptr : &*it;
}

std::string ReportDefinition::unitOf(std::string_view column) const {
    for (const auto& [c, unit] : units)
        if (c == column) return unit;
    return {};
}

std::optional<std::string> checkParamValue(const ParamSpec& spec, std::string_view text) {
    switch (spec.type) {
    case ParamType::Integer: {
        auto v = parseInteger(text);
        if (!v) return "expected an integer, got " + quoteForLog(text, 40);
        if ((spec.min && *v < *spec.min) || (spec.max && *v > *spec.max))
            return "must be between " + std::to_string(spec.min.value_or(LLONG_MIN)) + " and " +
                   std::to_string(spec.max.value_or(LLONG_MAX)) + ", got " + std::string(text);
        return std::nullopt;
    }
    case ParamType::Number: {
        std::string s(text);
        char* end = nullptr;
        errno = 0;
        double d = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() || errno != 0 || !std::isfinite(d))
            return "expected a number, got " + quoteForLog(text, 40);
        return std::nullopt;
    }
    case ParamType::Date:
        if (!parseDate(text)) return "expected a date YYYY-MM-DD, got " + quoteForLog(text, 40);
        return std::nullopt;
    case ParamType::Boolean:
        if (text != "true" && text != "false") return "expected true or false, got " + quoteForLog(text, 40);
        return std::nullopt;
    case ParamType::Text:
        if (text.empty()) return std::string("must not be empty");
        if (text.size() > 1000) return std::string("is longer than 1000 bytes");
        return std::nullopt;
    }
    return std::nullopt;
}

std::string_view toString(ParamType type) { return kTypeNames[static_cast<std::size_t>(type)]; }

Result<std::string> reportNameOf(std::string_view fileName) {
    std::string_view stem = fileName.ends_with(".sql") ? fileName.substr(0, fileName.size() - 4) : fileName;
    bool ok = !stem.empty() && stem.size() <= 64 && stem.front() != '-' &&
              std::all_of(stem.begin(), stem.end(), [](char c) { return c != '_' && isNameChar(c, true); });
    if (!ok)
        return fail(ErrorKind::Config, "the report name " + quoteForLog(stem, 70) +
                                           " must be 1 to 64 lower-case letters, digits and '-' (the file's name "
                                           "without .sql)");
    if (stem == "all" || stem == "list")
        return fail(ErrorKind::Config, "the report names all and list are reserved (roomsctl report all, report list)");
    return std::string(stem);
}

Result<ReportDefinition> parseDefinition(std::string_view text, const std::string& name, const std::string& source) {
    ReportDefinition def;
    def.name = name;
    def.source = source;
    Parser p{source};
    bool inHeader = true;
    bool sawTitle = false, sawChart = false, sawTotal = false;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view raw = text.substr(pos, end - pos);
        std::size_t next = end + 1;
        ++p.line;
        std::string_view lineText = trim(raw);
        if (inHeader && (lineText.empty() || lineText.starts_with("--"))) {
            std::string_view body = trim(lineText.substr(lineText.empty() ? 0 : 2));
            auto colon = body.find(':');
            std::string_view key = colon == std::string_view::npos ? std::string_view() : body.substr(0, colon);
            std::string_view value =
                colon == std::string_view::npos ? std::string_view() : trim(body.substr(colon + 1));
            if (isIdentifier(key)) {
                if (key == "title") {
                    if (sawTitle) return p.at("title: given twice");
                    if (value.empty()) return p.at("title: must not be empty");
                    def.title = value;
                    sawTitle = true;
                } else if (key == "description") {
                    if (!def.description.empty() && !value.empty()) def.description += ' ';
                    def.description += value;
                } else if (key == "param") {
                    auto param = parseParam(p, value);
                    if (!param) return std::move(param).error();
                    if (def.findParam(param->name)) return p.at("param: " + param->name + " is declared twice");
                    def.params.push_back(std::move(*param));
                } else if (key == "chart") {
                    if (sawChart) return p.at("chart: given twice");
                    auto chart = parseChart(p, value);
                    if (!chart) return std::move(chart).error();
                    def.chart = *chart;
                    sawChart = true;
                } else if (key == "unit") {
                    auto [column, unit] = firstWord(value);
                    if (column.empty() || unit.empty()) return p.at("unit: write `unit: COLUMN UNIT`");
                    def.units.emplace_back(std::string(column), std::string(unit));
                } else if (key == "total") {
                    if (sawTotal) return p.at("total: given twice");
                    if (value != "last-row") return p.at("total: the only value is last-row");
                    def.lastRowIsTotal = sawTotal = true;
                } else {
                    return p.at("unknown header key " + quoteForLog(key, 40) +
                                " (known: title, description, param, chart, unit, total)");
                }
            }
            def.sql += '\n'; // the header's lines stay, empty, so SQLite's errors keep their line numbers
        } else {
            inHeader = false;
            def.sql.append(raw);
            if (next <= text.size()) def.sql += '\n';
        }
        pos = next;
    }
    p.line = 1;
    if (!sawTitle) return p.at("the header has no `-- title: ...` line");
    if (trim(def.sql).empty()) return p.at("the file has a header but no SQL query after it");
    return def;
}

} // namespace roomsd::report
