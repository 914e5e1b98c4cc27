// Reading the feed's JSON (see change.hpp).
// Thread-safety: see change.hpp.
#include "replicate/change.hpp"

#include <boost/json.hpp>

#include "common/strings.hpp"
#include "replicate/replica_schema.hpp"

namespace json = boost::json;

namespace roomsd::replicate {
namespace {

Error bad(std::string message) { return fail(ErrorKind::Protocol, "the change feed sent " + std::move(message)); }

std::optional<std::int64_t> integerOf(const json::value* v) {
    if (!v) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v->as_uint64());
    return std::nullopt;
}

Result<json::value> parse(std::string_view text, const char* what) {
    json::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return bad(std::string(what) + " that is not JSON (" + ec.message() + ")");
    return v;
}

} // namespace

Result<RowImage> rowFromJson(std::string_view kind, const json::value& row) {
    const model::RecordSchema* schema = nullptr;
    for (const model::RecordSchema* s : model::allSchemas())
        if (s->table == kind) schema = s;
    if (!schema) return bad("a change of an unknown kind " + quoteForLog(kind, 40));
    if (!row.is_object()) return bad("a " + std::string(kind) + " row that is not an object");
    const json::object& object = row.as_object();
    const auto& columns = replicaColumns(*schema);
    RowImage image{schema, {}, {}};
    image.values.reserve(columns.size());
    for (const auto& column : columns) {
        const json::value* v = object.if_contains(column.name);
        auto where = [&] { return "a " + std::string(kind) + " row whose " + column.name; };
        if (!v) return bad(where() + " is missing");
        if (v->is_null()) {
            image.values.emplace_back(std::nullopt);
            continue;
        }
        switch (column.kind) {
        case model::FieldType::String:
        case model::FieldType::Timestamp:
            if (!v->is_string()) return bad(where() + " is not a string");
            image.values.emplace_back(std::string(v->as_string()));
            break;
        case model::FieldType::Integer: {
            auto n = integerOf(v);
            if (!n) return bad(where() + " is not an integer");
            image.values.emplace_back(std::to_string(*n));
            break;
        }
        case model::FieldType::Boolean:
            if (!v->is_bool()) return bad(where() + " is not true or false");
            image.values.emplace_back(v->as_bool() ? "true" : "false");
            break;
        }
    }
    if (object.size() != columns.size()) {
        for (const auto& [key, unused] : object) {
            bool known = false;
            for (const auto& column : columns) known = known || column.name == key;
            if (!known)
                return bad("a " + std::string(kind) + " row with a column the replica does not have (" +
                           quoteForLog(key, 60) + "): roomsd is newer than roomsd-replicate; upgrade it");
        }
    }
    if (!image.values[0]) return bad("a " + std::string(kind) + " row without an id");
    image.id = *image.values[0];
    return image;
}

Result<ChangesPage> parseChangesPage(std::string_view body) {
    auto parsed = parse(body, "a page of changes");
    if (!parsed) return std::move(parsed).error();
    const json::object* top = parsed->if_object();
    const json::value* data = top ? top->if_contains("data") : nullptr;
    const json::value* meta = top ? top->if_contains("meta") : nullptr;
    if (!data || !data->is_array() || !meta || !meta->is_object()) return bad("a page without data and meta");
    ChangesPage page;
    const json::object& m = meta->as_object();
    auto next = integerOf(m.if_contains("next_since"));
    auto last = integerOf(m.if_contains("last_seq"));
    auto oldest = integerOf(m.if_contains("oldest_seq"));
    if (!next || !last || !oldest) return bad("a page whose meta lacks next_since, last_seq or oldest_seq");
    page.nextSince = *next;
    page.lastSeq = *last;
    page.oldestSeq = *oldest;
    std::int64_t previous = -1;
    for (const json::value& item : data->as_array()) {
        const json::object* c = item.if_object();
        if (!c) return bad("a change that is not an object");
        auto seq = integerOf(c->if_contains("seq"));
        const json::value* kind = c->if_contains("kind");
        const json::value* op = c->if_contains("op");
        const json::value* row = c->if_contains("row");
        const json::value* applied = c->if_contains("applied_at");
        if (!seq || !kind || !kind->is_string() || !op || !op->is_string() || !row)
            return bad("a change without seq, kind, op or row");
        if (*seq <= previous)
            return bad("changes out of order (seq " + std::to_string(*seq) + " after " + std::to_string(previous) +
                       ")");
        previous = *seq;
        auto image = rowFromJson(kind->as_string(), *row);
        if (!image) return std::move(image).error();
        Change change{*seq, std::string(op->as_string()),
                      applied && applied->is_string() ? std::string(applied->as_string()) : std::string(),
                      std::move(*image)};
        page.changes.push_back(std::move(change));
    }
    if (!page.changes.empty() && page.nextSince < page.changes.back().seq)
        return bad("a page whose next_since is before its last change");
    return page;
}

Result<SnapshotLine> parseSnapshotLine(std::string_view line) {
    auto parsed = parse(line, "a snapshot line");
    if (!parsed) return std::move(parsed).error();
    const json::object* top = parsed->if_object();
    if (!top) return bad("a snapshot line that is not an object");
    SnapshotLine out;
    if (const json::value* header = top->if_contains("snapshot")) {
        const json::object* h = header->if_object();
        auto seq = h ? integerOf(h->if_contains("seq")) : std::nullopt;
        if (!seq) return bad("a snapshot header without its seq");
        out.kind = SnapshotLine::Kind::Header;
        out.seq = *seq;
        if (const json::value* at = h->if_contains("taken_at"); at && at->is_string())
            out.takenAt = std::string(at->as_string());
        return out;
    }
    if (const json::value* end = top->if_contains("end")) {
        const json::object* e = end->if_object();
        auto rows = e ? integerOf(e->if_contains("rows")) : std::nullopt;
        if (!rows) return bad("a snapshot end line without its row count");
        out.kind = SnapshotLine::Kind::End;
        out.rows = *rows;
        return out;
    }
    const json::value* kind = top->if_contains("kind");
    const json::value* row = top->if_contains("row");
    if (!kind || !kind->is_string() || !row) return bad("a snapshot line without kind and row");
    auto image = rowFromJson(kind->as_string(), *row);
    if (!image) return std::move(image).error();
    out.row = std::move(*image);
    return out;
}

} // namespace roomsd::replicate
