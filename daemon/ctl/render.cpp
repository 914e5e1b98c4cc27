#include "ctl/render.hpp"

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <cstdio>

#include "ctl/table.hpp"
#include "ctl/text.hpp"

namespace roomsd::ctl {
namespace {

namespace json = boost::json;

// The member `key` of `object`, or nullptr when it is not an object or lacks the member.
const json::value* member(const json::value* object, std::string_view key) {
    if (object == nullptr || !object->is_object()) return nullptr;
    return object->as_object().if_contains(key);
}

const json::value* member(const json::object& object, std::string_view key) { return object.if_contains(key); }

std::optional<std::int64_t> integerOf(const json::value* v) {
    if (v == nullptr) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double() && v->as_double() > -9.2e18 && v->as_double() < 9.2e18)
        return static_cast<std::int64_t>(v->as_double());
    return std::nullopt;
}

// A status value for people: "-" where the daemon has nothing (null or absent).
std::string shown(const json::value* v) {
    if (v == nullptr || v->is_null()) return "-";
    return cellText(*v);
}

// The pass in progress, from /status sync.progress:
// "rooms backfill, walk 2: page 12 of 80, 3000 records, 1500 records/s, about 34s left".
std::string progressText(const json::value& p) {
    std::string text = shown(member(&p, "stream")) + " " + shown(member(&p, "mode"));
    if (auto walk = integerOf(member(&p, "walk")); walk && *walk > 1) text += ", walk " + std::to_string(*walk);
    text += ": ";
    if (const json::value* phase = member(&p, "phase"); phase && phase->is_string() && phase->get_string() != "listing")
        text += std::string(phase->get_string()) + ", ";
    text += "page " + shown(member(&p, "pages_done"));
    if (auto total = integerOf(member(&p, "pages_total"))) text += " of " + std::to_string(*total);
    text += ", " + shown(member(&p, "records")) + " records";
    if (const json::value* rate = member(&p, "records_per_second"); rate && rate->is_number())
        text += ", " + std::to_string(static_cast<long long>(rate->to_number<double>())) + " records/s";
    if (const json::value* left = member(&p, "seconds_left"); left && left->is_number())
        text += ", about " + formatDuration(static_cast<std::int64_t>(left->to_number<double>())) + " left";
    return text;
}

bool isNumber(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

// A record's value of `field` as a table cell: nullopt for null (or absent).
std::optional<std::string> cellOf(const json::value& record, std::string_view field) {
    const json::value* v = member(&record, field);
    if (v == nullptr || v->is_null()) return std::nullopt;
    return cellText(*v);
}

// The fields a table of `schema` shows, as FieldSpecs: --columns, --wide, or the defaults.
// `skip` (a nested table's parent field) is left out of the defaults.
std::vector<const model::FieldSpec*> tableFields(const model::RecordSchema& schema, const TableOptions& options,
                                                 std::string_view skip = {}) {
    std::vector<const model::FieldSpec*> fields;
    if (!options.columns.empty()) {
        for (const auto& name : options.columns)
            if (const model::FieldSpec* field = model::findField(schema, name)) fields.push_back(field);
        return fields;
    }
    for (const auto& field : schema.fields)
        if ((options.wide || field.inDefaultTable) && field.name != skip) fields.push_back(&field);
    return fields;
}

TextTable fieldTable(const std::vector<const model::FieldSpec*>& fields, const TableOptions& options) {
    std::vector<std::string> names;
    for (const auto* field : fields) names.emplace_back(field->name);
    TextTable table(names);
    table.setNullMarker(options.nullText, options.dimNull);
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i]->type == model::FieldType::Integer) table.setAlign(i, Align::Right);
    return table;
}

std::vector<std::optional<std::string>> fieldCells(const std::vector<const model::FieldSpec*>& fields,
                                                   const json::value& record) {
    std::vector<std::optional<std::string>> cells;
    for (const auto* field : fields) cells.push_back(cellOf(record, field->name));
    return cells;
}

// The lines of `text`, each without its '\n'.
std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

// The streams of a status answer: rooms, sessions, participants first, then any others the daemon adds.
std::vector<std::pair<std::string, const json::value*>> streamsOf(const json::object& status) {
    std::vector<std::pair<std::string, const json::value*>> out;
    const json::value* streams = member(member(status, "sync"), "streams");
    if (streams == nullptr || !streams->is_object()) return out;
    const json::object& all = streams->as_object();
    for (const model::RecordSchema* schema : model::allSchemas())
        if (const json::value* s = all.if_contains(schema->name)) out.emplace_back(schema->name, s);
    for (const auto& [key, value] : all) {
        if (model::findSchema(std::string_view(key.data(), key.size())) == nullptr)
            out.emplace_back(std::string(key.data(), key.size()), &value);
    }
    return out;
}

// The member names of the objects `objects`, in the order they first appear: the CSV
// columns are what the daemon sends, so a column it adds is never left out.
std::vector<std::string> memberNames(const std::vector<const json::value*>& objects,
                                     std::string_view except = std::string_view()) {
    std::vector<std::string> names;
    for (const json::value* o : objects) {
        if (o == nullptr || !o->is_object()) continue;
        for (const auto& [key, value] : o->as_object()) {
            std::string name(key.data(), key.size());
            if (name == except || std::find(names.begin(), names.end(), name) != names.end()) continue;
            names.push_back(std::move(name));
        }
    }
    return names;
}

std::string durationOf(const json::value* seconds) {
    auto s = integerOf(seconds);
    return s ? formatDuration(*s) : "-";
}

} // namespace

Result<Format> parseFormat(std::string_view text) {
    if (text == "table") return Format::Table;
    if (text == "json") return Format::Json;
    if (text == "csv") return Format::Csv;
    if (text == "jsonl") return Format::JsonLines;
    return fail(ErrorKind::Usage, "--format: expected table, json, csv or jsonl");
}

Result<void> checkColumns(const model::RecordSchema& schema, const std::vector<std::string>& columns) {
    for (const auto& name : columns) {
        if (model::findField(schema, name) != nullptr) continue;
        std::string valid;
        for (const auto& field : schema.fields) valid += (valid.empty() ? "" : ", ") + std::string(field.name);
        return fail(ErrorKind::Usage, "--columns: " + std::string(schema.name) + " have no column '" + name +
                                          "'; the columns are " + valid);
    }
    return {};
}

std::string cellText(const json::value& value) {
    switch (value.kind()) {
    case json::kind::null: return "";
    case json::kind::bool_: return value.get_bool() ? "true" : "false";
    case json::kind::int64: return std::to_string(value.get_int64());
    case json::kind::uint64: return std::to_string(value.get_uint64());
    case json::kind::double_: {
        char buffer[32];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.get_double());
        return ec == std::errc() ? std::string(buffer, end) : json::serialize(value);
    }
    case json::kind::string: return std::string(value.get_string());
    case json::kind::array:
    case json::kind::object: return json::serialize(value);
    }
    return "";
}

PageMeta pageMeta(const json::value& body) {
    const json::value* meta = member(&body, "meta");
    PageMeta out;
    out.pageNumber = integerOf(member(meta, "page_number"));
    out.pageSize = integerOf(member(meta, "page_size"));
    out.totalPages = integerOf(member(meta, "total_pages"));
    out.totalResults = integerOf(member(meta, "total_results"));
    return out;
}

std::string recordsTable(const model::RecordSchema& schema, const json::array& records, bool withChildren,
                         const TableOptions& options) {
    auto fields = tableFields(schema, options);
    TextTable table = fieldTable(fields, options);
    for (const auto& record : records) table.addCells(fieldCells(fields, record));
    std::string text = table.render();
    const model::RecordSchema* child = schema.child;
    if (!withChildren || child == nullptr) return text;

    // One table of every child, so that their columns line up under every parent; its
    // lines are then dealt out under their parents, each group with the header.
    TableOptions childOptions;
    childOptions.nullText = options.nullText;
    childOptions.dimNull = options.dimNull;
    auto childFields = tableFields(*child, childOptions, child->parentField);
    TextTable children = fieldTable(childFields, childOptions);
    std::vector<std::size_t> counts;
    for (const auto& record : records) {
        const json::value* nested = member(&record, schema.childKey);
        std::size_t n = 0;
        if (nested != nullptr && nested->is_array())
            for (const auto& c : nested->as_array()) {
                children.addCells(fieldCells(childFields, c));
                ++n;
            }
        counts.push_back(n);
    }
    std::vector<std::string> parentLines = linesOf(text);
    std::vector<std::string> childLines = linesOf(children.render());
    const std::string indent = "    ";
    std::string out = parentLines[0] + '\n' + parentLines[1] + '\n';
    std::size_t next = 2; // the first child row, after header and rule
    for (std::size_t r = 0; r < records.size(); ++r) {
        out += parentLines[r + 2] + '\n';
        if (counts[r] == 0) continue;
        std::string_view noun = schema.childKey; // "sessions", or "session" for one
        if (counts[r] == 1 && noun.ends_with('s')) noun.remove_suffix(1);
        out += indent + std::to_string(counts[r]) + " " + std::string(noun) + ":\n";
        out += indent + childLines[0] + '\n';
        for (std::size_t i = 0; i < counts[r]; ++i) out += indent + childLines[next++] + '\n';
    }
    return out;
}

std::string recordsCsv(const model::RecordSchema& schema, const json::array& records, bool withChildren,
                       const std::vector<std::string>& columns) {
    TableOptions options;
    options.columns = columns;
    options.wide = true;
    auto fields = tableFields(schema, options);
    bool childCount = withChildren && !schema.childKey.empty();
    std::vector<std::string> header;
    for (const auto* field : fields) header.emplace_back(field->name);
    if (childCount) header.emplace_back(schema.childKey);
    std::string out = csvRow(header);
    for (const auto& record : records) {
        std::vector<std::string> cells;
        for (auto& cell : fieldCells(fields, record)) cells.push_back(cell.value_or(""));
        if (childCount) {
            const json::value* children = member(&record, schema.childKey);
            cells.push_back(children != nullptr && children->is_array() ? std::to_string(children->as_array().size())
                                                                        : std::string());
        }
        out += csvRow(cells);
    }
    return out;
}

std::string recordDetail(const model::RecordSchema& schema, const json::object& record, bool withChildren,
                         const TableOptions& options) {
    TableOptions all = options;
    all.wide = true;
    TextTable table({"field", "value"});
    table.setNullMarker(options.nullText, options.dimNull);
    json::value whole(record);
    for (const auto* field : tableFields(schema, all))
        table.addCells({std::string(field->name), cellOf(whole, field->name)});
    std::string out;
    const json::value* children =
        !withChildren || schema.childKey.empty() ? nullptr : record.if_contains(schema.childKey);
    if (children != nullptr && children->is_array()) {
        table.addRow({std::string(schema.childKey), std::to_string(children->as_array().size())});
        out = table.render();
        if (!children->as_array().empty() && schema.child != nullptr) {
            TableOptions childOptions;
            childOptions.nullText = options.nullText;
            childOptions.dimNull = options.dimNull;
            out += "\n" + std::string(schema.childKey) + ":\n";
            out += recordsTable(*schema.child, children->as_array(), false, childOptions);
        }
        return out;
    }
    return table.render();
}

std::string listFooter(const PageMeta& meta, bool allPages, std::size_t recordsShown,
                       const std::optional<std::string>& syncedAt) {
    auto plural = [](std::int64_t n, std::string_view word) {
        return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
    };
    std::string out;
    if (allPages) {
        out = plural(static_cast<std::int64_t>(recordsShown), "result");
        if (meta.totalPages) out += ", all " + plural(*meta.totalPages, "page");
    } else if (meta.totalResults && *meta.totalResults == 0) {
        out = "no results";
    } else if (meta.pageNumber && meta.totalPages) {
        out = "page " + std::to_string(*meta.pageNumber) + " of " + std::to_string(*meta.totalPages);
        if (meta.totalResults) out += ", " + plural(*meta.totalResults, "result");
        if (*meta.pageNumber > *meta.totalPages) out += " (past the last page)";
    } else {
        out = plural(static_cast<std::int64_t>(recordsShown), "result");
    }
    out += '\n';
    if (syncedAt) out += "mirror synced at " + escapeForTerminal(*syncedAt) + '\n';
    return out;
}

std::string statusText(const json::object& status) {
    std::vector<std::pair<std::string, std::string>> lines;
    lines.emplace_back("version", shown(member(status, "version")));

    std::string uptime = durationOf(member(status, "uptime_seconds"));
    if (const json::value* started = member(status, "started_at"); started && !started->is_null())
        uptime += " (started " + cellText(*started) + ")";
    lines.emplace_back("uptime", uptime);

    if (const json::value* db = member(status, "database"); db != nullptr && db->is_object()) {
        std::string text = shown(member(db, "path"));
        if (auto size = integerOf(member(db, "size_bytes"))) text += ", " + formatBytes(*size);
        if (auto wal = integerOf(member(db, "wal_bytes"))) text += " + " + formatBytes(*wal) + " WAL";
        if (auto version = integerOf(member(db, "schema_version")))
            text += ", schema version " + std::to_string(*version);
        lines.emplace_back("database", text);
    }

    if (const json::value* sync = member(status, "sync"); sync != nullptr && sync->is_object()) {
        const json::value* running = member(sync, "running");
        std::string text;
        std::string now; // the pass in progress
        if (running != nullptr && running->is_bool() && running->get_bool()) {
            text = "running";
            if (const json::value* since = member(sync, "running_since"); since && !since->is_null())
                text += " since " + cellText(*since);
            if (const json::value* p = member(sync, "progress"); p != nullptr && p->is_object()) now = progressText(*p);
        } else {
            text = "idle";
        }
        if (const json::value* next = member(sync, "next_pass_at"); next && !next->is_null())
            text += ", next pass at " + cellText(*next);
        if (auto interval = integerOf(member(sync, "interval_secs"))) text += ", every " + formatDuration(*interval);
        lines.emplace_back("sync", text);
        if (!now.empty()) lines.emplace_back("now", now);
    }

    if (const json::value* telnyx = member(status, "telnyx"); telnyx != nullptr && telnyx->is_object()) {
        std::string text = shown(member(telnyx, "base_url"));
        if (auto n = integerOf(member(telnyx, "requests"))) text += ", " + std::to_string(*n) + " requests";
        if (auto n = integerOf(member(telnyx, "retries"))) text += ", " + std::to_string(*n) + " retries";
        if (auto n = integerOf(member(telnyx, "rate_limit_remaining")))
            text += ", rate limit remaining " + std::to_string(*n);
        lines.emplace_back("telnyx", text);
    }

    std::size_t labelWidth = 0;
    for (const auto& [label, value] : lines) labelWidth = std::max(labelWidth, label.size());
    std::string out;
    for (const auto& [label, value] : lines)
        out += label + std::string(labelWidth + 2 - label.size(), ' ') + escapeForTerminal(value) + '\n';

    auto streams = streamsOf(status);
    if (streams.empty()) return out;

    TextTable state({"stream", "cursor", "last success", "lag", "live", "deleted"});
    for (std::size_t c : {3u, 4u, 5u}) state.setAlign(c, Align::Right);
    // 120 columns at most: the finish time to the second, "new" and "same" for inserted and unchanged, the records seen
    // left to their parts.
    TextTable runs({"stream", "last run", "finished", "outcome", "new", "updated", "same", "deleted", "errors",
                    "retries", "requests"});
    for (std::size_t c = 4; c <= 10; ++c) runs.setAlign(c, Align::Right);
    std::vector<std::string> messages;
    for (const auto& [name, s] : streams) {
        const json::value* success = member(s, "last_success_at");
        state.addRow({name, shown(member(s, "cursor")),
                      success == nullptr || success->is_null() ? "never" : cellText(*success),
                      durationOf(member(s, "lag_seconds")), shown(member(s, "live_records")),
                      shown(member(s, "deleted_records"))});
        const json::value* run = member(s, "last_run");
        if (run == nullptr || !run->is_object()) {
            runs.addRow({name, "none yet"});
            continue;
        }
        std::string finished = shown(member(run, "finished_at"));
        if (auto dot = finished.find('.'); dot != std::string::npos && finished.ends_with('Z'))
            finished = finished.substr(0, dot) + "Z";
        runs.addRow({name, shown(member(run, "mode")), finished, shown(member(run, "outcome")),
                     shown(member(run, "inserted")), shown(member(run, "updated")), shown(member(run, "unchanged")),
                     shown(member(run, "deleted")), shown(member(run, "errors")), shown(member(run, "retries")),
                     shown(member(run, "requests"))});
        const json::value* message = member(run, "message");
        if (message != nullptr && message->is_string() && !message->get_string().empty())
            messages.push_back(escapeForTerminal(name + ": " + std::string(message->get_string())));
    }
    out += "\n" + state.render() + "\n" + runs.render();
    if (!messages.empty()) {
        out += "\n";
        for (const auto& m : messages) out += m + '\n';
    }
    return out;
}

std::string statusCsv(const json::object& status) {
    auto streams = streamsOf(status);
    std::vector<const json::value*> streamObjects;
    std::vector<const json::value*> runObjects;
    for (const auto& [name, s] : streams) {
        streamObjects.push_back(s);
        runObjects.push_back(member(s, "last_run"));
    }
    std::vector<std::string> streamMembers = memberNames(streamObjects, "last_run");
    std::vector<std::string> runMembers = memberNames(runObjects);
    std::vector<std::string> header{"stream"};
    for (const auto& m : streamMembers) header.push_back(m);
    for (const auto& m : runMembers) header.push_back("last_run_" + m);
    std::string out = csvRow(header);
    for (const auto& [name, s] : streams) {
        std::vector<std::string> row{name};
        for (const auto& m : streamMembers) {
            const json::value* v = member(s, m);
            row.push_back(v == nullptr ? std::string() : cellText(*v));
        }
        const json::value* run = member(s, "last_run");
        for (const auto& m : runMembers) {
            const json::value* v = member(run, m);
            row.push_back(v == nullptr ? std::string() : cellText(*v));
        }
        out += csvRow(row);
    }
    return out;
}

namespace {

const json::array& answerRows(const json::object& answer) {
    static const json::array kNoRows;
    const json::value* rows = answer.if_contains("rows");
    return rows != nullptr && rows->is_array() ? rows->as_array() : kNoRows;
}

std::vector<std::string> answerColumns(const json::object& answer) {
    std::vector<std::string> names;
    if (const json::value* columns = answer.if_contains("columns"); columns != nullptr && columns->is_array())
        for (const auto& c : columns->as_array()) names.push_back(cellText(c));
    return names;
}

} // namespace

std::string sqlTable(const json::object& answer, const TableOptions& options) {
    std::vector<std::string> names = answerColumns(answer);
    const json::array& rows = answerRows(answer);

    TextTable table(names);
    table.setNullMarker(options.nullText, options.dimNull);
    for (std::size_t c = 0; c < names.size(); ++c) {
        bool numeric = false;
        bool other = false;
        for (const auto& row : rows) {
            if (!row.is_array() || c >= row.as_array().size()) continue;
            const json::value& v = row.as_array()[c];
            numeric = numeric || isNumber(v);
            other = other || (!isNumber(v) && !v.is_null());
        }
        if (numeric && !other) table.setAlign(c, Align::Right);
    }
    for (const auto& row : rows) {
        std::vector<std::optional<std::string>> cells;
        if (row.is_array())
            for (const auto& v : row.as_array())
                cells.push_back(v.is_null() ? std::nullopt : std::optional<std::string>(cellText(v)));
        table.addCells(std::move(cells));
    }
    std::string out = table.render();
    out += "(" + std::to_string(rows.size()) + (rows.size() == 1 ? " row)\n" : " rows)\n");
    return out;
}

std::string sqlCsv(const json::object& answer) {
    std::string csv = csvRow(answerColumns(answer));
    for (const auto& row : answerRows(answer)) {
        if (!row.is_array()) continue;
        std::vector<std::string> texts;
        for (const auto& cell : row.as_array()) texts.push_back(cellText(cell));
        csv += csvRow(texts);
    }
    return csv;
}

std::string sqlJsonLines(const json::object& answer) {
    std::vector<std::string> names = answerColumns(answer);
    std::string out;
    for (const auto& row : answerRows(answer)) {
        if (!row.is_array()) continue;
        json::object line;
        for (std::size_t c = 0; c < names.size() && c < row.as_array().size(); ++c)
            if (!line.contains(names[c])) line[names[c]] = row.as_array()[c];
        out += json::serialize(line) + '\n';
    }
    return out;
}

std::string formatDuration(std::int64_t seconds) {
    if (seconds < 0) return seconds == INT64_MIN ? "-" : "-" + formatDuration(-seconds);
    // The two largest units, the smaller left out when it is zero: "42s", "3m 12s", "5m", "2h 5m", "4d 3h".
    auto twoUnits = [](std::int64_t big, const char* bigUnit, std::int64_t small, const char* smallUnit) {
        std::string text = std::to_string(big) + bigUnit;
        if (small != 0) text += " " + std::to_string(small) + smallUnit;
        return text;
    };
    if (seconds < 60) return std::to_string(seconds) + "s";
    if (seconds < 3600) return twoUnits(seconds / 60, "m", seconds % 60, "s");
    if (seconds < 86400) return twoUnits(seconds / 3600, "h", seconds % 3600 / 60, "m");
    return twoUnits(seconds / 86400, "d", seconds % 86400 / 3600, "h");
}

std::string formatBytes(std::int64_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " B";
    constexpr std::array kUnits{"KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    value /= 1024;
    while (value >= 1024 && unit + 1 < kUnits.size()) {
        value /= 1024;
        ++unit;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f %s", value, kUnits[unit]);
    return buffer;
}

} // namespace roomsd::ctl
