// Contract checks of roomsctl's renderers (ctl/render.hpp) on JSON documents of any shape.
#include <boost/json.hpp>

#include "ctl/render.hpp"
#include "fuzz/check_support.hpp"
#include "fuzz/targets.hpp"

namespace json = boost::json;

namespace roomsd::fuzz {
namespace {

// Code points a terminal would act on or reorder text with (escapeForTerminal's list).
bool isInvisibleControl(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// Text for a terminal (tables, status, footers): lines end in '\n' and nothing in
// them is a control character, a bidi control or a byte that is not UTF-8.
Violation checkTerminalText(std::string_view call, std::string_view text) {
    if (!text.empty() && text.back() != '\n') return broken(call, "does not end its last line");
    if (hasControlByte(text, "\n")) return broken(call, "prints a control byte: " + excerpt(text));
    auto codePoints = decodeUtf8(text);
    if (!codePoints) return broken(call, "prints bytes that are not UTF-8: " + excerpt(text));
    for (char32_t cp : *codePoints)
        if (isInvisibleControl(cp)) return broken(call, "prints an invisible control character: " + excerpt(text));
    return std::nullopt;
}

// Reads RFC 4180 CSV with CRLF line ends; nullopt when it is not well-formed.
std::optional<std::vector<std::vector<std::string>>> readCsv(std::string_view text) {
    std::vector<std::vector<std::string>> rows;
    std::size_t i = 0;
    while (i < text.size()) {
        std::vector<std::string> row;
        while (true) {
            std::string field;
            if (i < text.size() && text[i] == '"') {
                ++i;
                while (true) {
                    if (i >= text.size()) return std::nullopt;
                    if (text[i] == '"') {
                        if (i + 1 < text.size() && text[i + 1] == '"') {
                            field += '"';
                            i += 2;
                            continue;
                        }
                        ++i;
                        break;
                    }
                    field += text[i++];
                }
            } else {
                while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
                    if (text[i] == '"') return std::nullopt;
                    field += text[i++];
                }
            }
            row.push_back(std::move(field));
            if (i < text.size() && text[i] == ',') {
                ++i;
                continue;
            }
            if (text.substr(i, 2) != "\r\n") return std::nullopt;
            i += 2;
            break;
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

// recordsCsv keeps the data byte for byte: each cell is the field's cellText().
Violation checkRecordsCsv(const model::RecordSchema& schema, const json::array& records, bool withChildren) {
    std::string csv = ctl::recordsCsv(schema, records, withChildren);
    auto rows = readCsv(csv);
    if (!rows) return broken("recordsCsv", "is not well-formed CSV: " + excerpt(csv));
    if (rows->size() != records.size() + 1) return broken("recordsCsv", "has a row count unlike the records'");
    bool childCount = withChildren && !schema.childKey.empty();
    for (std::size_t r = 0; r < records.size(); ++r) {
        const json::object* record = records[r].if_object();
        std::vector<std::string> expected;
        for (const auto& field : schema.fields) {
            const json::value* v = record ? record->if_contains(field.name) : nullptr;
            expected.push_back(v ? ctl::cellText(*v) : std::string());
        }
        if (childCount) {
            const json::value* kids = record ? record->if_contains(schema.childKey) : nullptr;
            expected.push_back(kids && kids->is_array() ? std::to_string(kids->get_array().size()) : std::string());
        }
        if ((*rows)[r + 1] != expected) return broken("recordsCsv", "row " + std::to_string(r) + " changed the data");
    }
    return std::nullopt;
}

Violation checkStatusCsv(const json::object& status) {
    std::string csv = ctl::statusCsv(status);
    auto rows = readCsv(csv);
    if (!rows) return broken("statusCsv", "is not well-formed CSV: " + excerpt(csv));
    std::size_t streams = 0;
    if (const json::object* sync = status.contains("sync") ? status.at("sync").if_object() : nullptr)
        if (const json::object* all = sync->contains("streams") ? sync->at("streams").if_object() : nullptr)
            streams = all->size();
    if (rows->size() != streams + 1) return broken("statusCsv", "has a row count unlike the streams'");
    for (const auto& row : *rows)
        if (row.size() != (*rows)[0].size()) return broken("statusCsv", "rows of different widths");
    return std::nullopt;
}

// The records a list answer holds: the document itself when it is an array, else its "data".
const json::array* recordsOf(const json::value& doc) {
    if (doc.is_array()) return &doc.get_array();
    if (!doc.is_object()) return nullptr;
    const json::value* data = doc.get_object().if_contains("data");
    return data ? data->if_array() : nullptr;
}

// The record a by-id answer holds: its "data" when that is an object, else the document.
const json::object* recordOf(const json::value& doc) {
    if (!doc.is_object()) return nullptr;
    const json::value* data = doc.get_object().if_contains("data");
    return data && data->is_object() ? &data->get_object() : &doc.get_object();
}

Violation renderWith(std::uint8_t selector, const json::value& doc) {
    const model::RecordSchema& schema = *model::allSchemas()[(selector / 8) % 3];
    bool withChildren = (selector & 0x20) != 0;
    switch (selector % 8) {
    case 0:
        if (const json::array* records = recordsOf(doc))
            return checkTerminalText("recordsTable", ctl::recordsTable(schema, *records, withChildren));
        return std::nullopt;
    case 1:
        if (const json::array* records = recordsOf(doc)) return checkRecordsCsv(schema, *records, withChildren);
        return std::nullopt;
    case 2:
        if (const json::object* record = recordOf(doc))
            return checkTerminalText("recordDetail", ctl::recordDetail(schema, *record, withChildren));
        return std::nullopt;
    case 3:
        if (doc.is_object()) return checkTerminalText("statusText", ctl::statusText(doc.get_object()));
        return std::nullopt;
    case 4:
        if (doc.is_object()) return checkStatusCsv(doc.get_object());
        return std::nullopt;
    case 5:
        if (doc.is_object()) {
            std::string table = ctl::sqlTable(doc.get_object());
            if (auto bad = checkTerminalText("sqlTable", table)) return bad;
            const json::value* rows = doc.get_object().if_contains("rows");
            std::size_t count = rows && rows->is_array() ? rows->get_array().size() : 0;
            if (!table.ends_with("(" + std::to_string(count) + (count == 1 ? " row)\n" : " rows)\n")))
                return broken("sqlTable", "does not count the rows it shows");
        }
        return std::nullopt;
    case 6: {
        ctl::PageMeta meta = ctl::pageMeta(doc);
        const json::array* records = recordsOf(doc);
        std::optional<std::string> syncedAt;
        if (doc.is_object())
            if (const json::value* at = doc.get_object().if_contains("synced_at"); at && at->is_string())
                syncedAt = std::string(at->get_string());
        for (bool allPages : {false, true})
            if (auto bad = checkTerminalText("listFooter",
                                             ctl::listFooter(meta, allPages, records ? records->size() : 0, syncedAt)))
                return bad;
        return std::nullopt;
    }
    default: {
        std::string text = ctl::cellText(doc);
        if (doc.is_string() && text != doc.get_string()) return broken("cellText", "changed a string");
        if (doc.is_null() && !text.empty()) return broken("cellText", "shows null as text");
        return std::nullopt;
    }
    }
}

} // namespace

Violation checkCtlRender(std::string_view input) {
    auto [selector, text] = splitSelector(input);
    // roomsctl parses the daemon's answers with Boost.JSON's defaults; what it would
    // refuse never reaches a renderer.
    json::error_code ec;
    json::value doc = json::parse(text, ec);
    if (ec) return std::nullopt;
    return guarded("roomsctl renderer", [&, selector = selector]() { return renderWith(selector, doc); });
}

} // namespace roomsd::fuzz
