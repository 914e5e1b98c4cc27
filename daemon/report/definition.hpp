// ReportDefinition: one report file (a small header of "-- key: value" lines, then one
// SQL query), parsed and checked without a database.
//
// The header gives the title, the description, the parameters the query takes beyond
// the standard ones (with their types and defaults), the chart, the columns' units and
// whether the last row is a total. Every problem names the file and the line.
// Thread-safety: pure functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace roomsd::report {

enum class ParamType { Integer, Number, Text, Date, Boolean };

// A parameter a report declares: `-- param: hours integer:1..8760 24 Hours a session may run`.
struct ParamSpec {
    std::string name;
    ParamType type = ParamType::Text;
    std::optional<long long> min, max;       // integers only
    std::optional<std::string> defaultValue; // nullopt: NULL unless given
    std::string description;
};

enum class ChartKind { None, Bar, HorizontalBar };

// `-- chart: bar day participant_minutes`: one mark per row, labelled by one column, sized by another.
struct ChartSpec {
    ChartKind kind = ChartKind::None;
    std::string labelColumn;
    std::string valueColumn;
};

struct ReportDefinition {
    std::string name;   // the file's stem: "usage-by-day"
    std::string source; // the file, for messages
    bool builtin = false;
    std::string title;
    std::string description;
    std::vector<ParamSpec> params;
    ChartSpec chart;
    std::vector<std::pair<std::string, std::string>> units; // column -> unit ("minutes")
    bool lastRowIsTotal = false;                            // `-- total: last-row`
    std::string sql; // the query, header lines blanked (lines keep their numbers)

    const ParamSpec* findParam(std::string_view param) const;
    std::string unitOf(std::string_view column) const; // "" when none
};

// The parameters every report may use in its query, bound by the runner (see parameters.hpp).
const std::vector<std::string_view>& standardParameterNames();

// The name of a report file ("usage-by-day.sql" -> "usage-by-day"), or an error saying
// which names are allowed (lower-case letters, digits and '-', not "all").
Result<std::string> reportNameOf(std::string_view fileName);

// Parses `text` (from `source`) into a definition named `name`. A Config error
// "SOURCE:LINE: problem" for the first problem found.
Result<ReportDefinition> parseDefinition(std::string_view text, const std::string& name, const std::string& source);

// Checks that `text` is a value of `spec`'s type (and range); the problem otherwise.
std::optional<std::string> checkParamValue(const ParamSpec& spec, std::string_view text);

// "integer", "number", ... as written in a header.
std::string_view toString(ParamType type);

} // namespace roomsd::report
