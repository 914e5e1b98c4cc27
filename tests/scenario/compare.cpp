// The record-by-record comparison of the mirror with /_sim/account. Thread-safety: see compare.hpp.
#include "scenario/compare.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <optional>
#include <set>
#include <sstream>
#include <tuple>

namespace roomsd::test {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

// The embedded arrays a record carries; neither side's copy of them is compared.
const std::set<std::string>& nestedArrays() {
    static const std::set<std::string> names{"sessions", "participants"};
    return names;
}

struct MirrorRow {
    json::object upstream;                      // upstream_json, parsed
    std::map<std::string, json::value> columns; // the typed columns, as JSON values (integers, text, null)
    std::optional<std::string> deletedAt;
};

json::value columnValue(const SQLite::Column& c) {
    if (c.isNull()) return nullptr;
    if (c.isInteger()) return c.getInt64();
    if (c.isFloat()) return c.getDouble();
    return json::string(c.getString());
}

// The column a JSON field should have become: booleans are 0/1.
json::value asColumn(const json::value& v) {
    if (v.is_bool()) return v.as_bool() ? 1 : 0;
    return v;
}

std::vector<std::string> tableColumns(SQLite::Database& db, const std::string& table) {
    std::vector<std::string> names;
    SQLite::Statement q(db, "SELECT name FROM pragma_table_info('" + table + "')");
    while (q.executeStep()) names.push_back(q.getColumn(0).getString());
    return names;
}

// Every row of `table`, tombstones included, by id.
std::map<std::string, MirrorRow> readTable(SQLite::Database& db, const std::string& table) {
    static const std::set<std::string> ownColumns{"id", "upstream_json", "synced_at", "deleted_at"};
    std::vector<std::string> typed;
    for (const auto& name : tableColumns(db, table))
        if (!ownColumns.contains(name)) typed.push_back(name);
    std::string select = "SELECT id, upstream_json, deleted_at";
    for (const auto& name : typed) select += ", " + name;
    SQLite::Statement q(db, select + " FROM " + table);
    std::map<std::string, MirrorRow> rows;
    while (q.executeStep()) {
        MirrorRow row;
        boost::system::error_code ec;
        json::value parsed = json::parse(q.getColumn(1).getString(), ec);
        if (!ec && parsed.is_object()) row.upstream = parsed.as_object();
        if (!q.getColumn(2).isNull()) row.deletedAt = q.getColumn(2).getString();
        for (std::size_t i = 0; i < typed.size(); ++i)
            row.columns[typed[i]] = columnValue(q.getColumn(static_cast<int>(i + 3)));
        rows.emplace(q.getColumn(0).getString(), std::move(row));
    }
    return rows;
}

std::string text(const json::value& v) { return json::serialize(v); }

// Field by field, both ways: a field only one side has is a mismatch too.
void compareFields(const std::string& stream, const std::string& id, const json::object& upstream, const MirrorRow& row,
                   std::vector<Mismatch>& out) {
    for (const auto& [key, value] : upstream) {
        std::string field(key);
        if (nestedArrays().contains(field)) continue;
        const json::value* mine = row.upstream.if_contains(key);
        if (!mine) {
            out.push_back({"field", stream, id, field, "absent", text(value)});
            continue;
        }
        if (*mine != value) out.push_back({"field", stream, id, field, text(*mine), text(value)});
        auto column = row.columns.find(field);
        if (column != row.columns.end() && column->second != asColumn(value))
            out.push_back({"column", stream, id, field, text(column->second), text(value)});
    }
    for (const auto& [key, value] : row.upstream) {
        if (nestedArrays().contains(std::string(key)) || upstream.contains(key)) continue;
        out.push_back({"field", stream, id, std::string(key), text(value), "absent"});
    }
}

std::string updatedAt(const json::object& record) {
    const json::value* v = record.if_contains("updated_at");
    return v && v->is_string() ? std::string(v->as_string()) : "";
}

} // namespace

const std::vector<std::string>& streams() {
    static const std::vector<std::string> names{"rooms", "room_sessions", "room_participants"};
    return names;
}

std::string Diff::comparedSummary() const {
    std::string out;
    for (const auto& stream : streams()) {
        auto it = compared.find(stream);
        out += (out.empty() ? "" : ", ") + stream + " " + std::to_string(it == compared.end() ? 0 : it->second);
    }
    return out;
}

std::string Diff::describe(std::size_t limit) const {
    std::map<std::string, std::size_t> byKind;
    for (const auto& m : mismatches) ++byKind[m.kind + " " + m.stream];
    std::ostringstream out;
    out << mismatches.size() << " mismatches (compared: " << comparedSummary() << ")";
    for (const auto& [kind, n] : byKind) out << "; " << kind << ": " << n;
    out << "\n";
    for (std::size_t i = 0; i < mismatches.size() && i < limit; ++i) {
        const Mismatch& m = mismatches[i];
        out << "  " << m.kind << " " << m.stream << " " << m.id;
        if (!m.field.empty()) out << " ." << m.field;
        out << ": mirror " << m.mirror << ", upstream " << m.upstream << "\n";
    }
    if (mismatches.size() > limit) out << "  ... and " << mismatches.size() - limit << " more\n";
    return out.str();
}

Diff compareExact(const json::object& account, const fs::path& database) {
    SQLite::Database db(database, SQLite::OPEN_READONLY);
    Diff diff;
    for (const auto& stream : streams()) {
        std::map<std::string, MirrorRow> rows = readTable(db, stream);
        std::set<std::string> upstreamIds;
        for (const auto& record : account.at(stream).as_array()) {
            const json::object& upstream = record.as_object();
            std::string id(upstream.at("id").as_string());
            upstreamIds.insert(id);
            ++diff.compared[stream];
            auto it = rows.find(id);
            if (it == rows.end()) {
                diff.mismatches.push_back({"missing", stream, id, "", "absent", "updated_at " + updatedAt(upstream)});
                continue;
            }
            if (it->second.deletedAt) {
                diff.mismatches.push_back({"tombstoned", stream, id, "deleted_at", *it->second.deletedAt, "present"});
                continue;
            }
            compareFields(stream, id, upstream, it->second, diff.mismatches);
        }
        for (const auto& [id, row] : rows) {
            if (upstreamIds.contains(id)) continue;
            if (row.deletedAt) {
                ++diff.tombstones[stream];
                continue;
            }
            diff.mismatches.push_back(
                {"extra", stream, id, "", "live, updated_at " + updatedAt(row.upstream), "absent"});
        }
    }
    return diff;
}

AccountIds accountIds(const json::object& account) {
    AccountIds ids;
    for (const auto& stream : streams()) {
        auto& byId = ids[stream];
        for (const auto& record : account.at(stream).as_array())
            byId[std::string(record.at("id").as_string())] = updatedAt(record.as_object());
    }
    return ids;
}

namespace {

// The records of `before` that `after` holds (`kept`) or no longer holds (not `kept`).
AccountIds partition(const AccountIds& before, const AccountIds& after, bool kept) {
    AccountIds out;
    for (const auto& [stream, byId] : before) {
        auto& records = out[stream];
        auto later = after.find(stream);
        for (const auto& [id, updated] : byId)
            if ((later != after.end() && later->second.contains(id)) == kept) records[id] = updated;
    }
    return out;
}

} // namespace

AccountIds heldThroughout(const AccountIds& before, const AccountIds& after) { return partition(before, after, true); }

Diff compareHeld(const AccountIds& held, const fs::path& database) {
    SQLite::Database db(database, SQLite::OPEN_READONLY);
    Diff diff;
    for (const auto& [stream, byId] : held) {
        std::map<std::string, MirrorRow> rows = readTable(db, stream);
        for (const auto& [id, updated] : byId) {
            ++diff.compared[stream];
            auto it = rows.find(id);
            if (it == rows.end()) {
                diff.mismatches.push_back({"missing", stream, id, "", "absent", "updated_at " + updated});
            } else if (it->second.deletedAt) {
                diff.mismatches.push_back({"tombstoned", stream, id, "deleted_at", *it->second.deletedAt, "present"});
            } else if (updatedAt(it->second.upstream) < updated) {
                diff.mismatches.push_back({"stale", stream, id, "updated_at", updatedAt(it->second.upstream), updated});
            }
        }
    }
    return diff;
}

Diff excuseDeleted(const Diff& diff, const AccountIds& deletedUpstream, std::size_t& excused) {
    Diff out = diff;
    out.mismatches.clear();
    excused = 0;
    for (const auto& m : diff.mismatches) {
        auto stream = deletedUpstream.find(m.stream);
        if (m.kind == "extra" && stream != deletedUpstream.end() && stream->second.contains(m.id)) {
            ++excused;
            continue;
        }
        out.mismatches.push_back(m);
    }
    return out;
}

AccountIds deletedBetween(const AccountIds& before, const AccountIds& after) { return partition(before, after, false); }

Diff compareChangeLog(const fs::path& database, bool& trimmed) {
    SQLite::Database db(database, SQLite::OPEN_READONLY);
    Diff diff;
    trimmed = db.execAndGet("SELECT through FROM change_log_trim").getInt64() > 0;
    if (trimmed) return diff;
    // (upstream_json, synced_at, deleted_at) by stream and id.
    using Row = std::tuple<std::string, std::string, std::string>;
    std::map<std::string, std::map<std::string, Row>> replayed;
    SQLite::Statement log(db, "SELECT seq, kind, record_id, op, record, applied_at FROM change_log ORDER BY seq");
    std::int64_t expected = 1;
    while (log.executeStep()) {
        std::int64_t seq = log.getColumn(0).getInt64();
        if (seq != expected)
            diff.mismatches.push_back({"changelog", "", "", "seq", std::to_string(seq), std::to_string(expected)});
        expected = seq + 1;
        std::string applied = log.getColumn(5).getString();
        replayed[log.getColumn(1).getString()][log.getColumn(2).getString()] = {
            log.getColumn(4).getString(), applied, log.getColumn(3).getString() == "delete" ? applied : ""};
    }
    auto text = [](const Row& r) {
        return std::get<0>(r) + " synced_at=" + std::get<1>(r) + " deleted_at=" + std::get<2>(r);
    };
    for (const auto& stream : streams()) {
        std::map<std::string, Row>& fromLog = replayed[stream];
        SQLite::Statement rows(db, "SELECT id, upstream_json, synced_at, coalesce(deleted_at, '') FROM " + stream);
        std::set<std::string> inTable;
        while (rows.executeStep()) {
            std::string id = rows.getColumn(0).getString();
            inTable.insert(id);
            ++diff.compared[stream];
            Row row{rows.getColumn(1).getString(), rows.getColumn(2).getString(), rows.getColumn(3).getString()};
            auto it = fromLog.find(id);
            if (it == fromLog.end())
                diff.mismatches.push_back({"changelog", stream, id, "", text(row), "absent from the log"});
            else if (it->second != row)
                diff.mismatches.push_back({"changelog", stream, id, "", text(row), text(it->second)});
        }
        for (const auto& [id, row] : fromLog)
            if (!inTable.contains(id)) diff.mismatches.push_back({"changelog", stream, id, "", "absent", text(row)});
    }
    return diff;
}

std::string countSummary(const AccountIds& ids) {
    std::string out;
    for (const auto& stream : streams()) {
        auto it = ids.find(stream);
        out += (out.empty() ? "" : ", ") + stream + " " + std::to_string(it == ids.end() ? 0 : it->second.size());
    }
    return out;
}

} // namespace roomsd::test
