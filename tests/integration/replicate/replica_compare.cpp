#include "replica_compare.hpp"

#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include <algorithm>
#include <vector>

namespace json = boost::json;

namespace roomsd::test {
namespace {

json::value sorted(const json::value& v) {
    if (v.is_object()) {
        std::vector<std::pair<std::string, json::value>> entries;
        for (const auto& [k, x] : v.as_object()) entries.emplace_back(std::string(k), sorted(x));
        std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        json::object out;
        for (auto& [k, x] : entries) out.emplace(k, std::move(x));
        return out;
    }
    if (v.is_array()) {
        json::array out;
        for (const auto& x : v.as_array()) out.push_back(sorted(x));
        return out;
    }
    return v;
}

std::string show(const std::optional<std::string>& v) { return v ? "'" + *v + "'" : "NULL"; }

} // namespace

std::string canonicalJsonText(const std::string& text) {
    json::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) return "not JSON: " + text;
    return json::serialize(sorted(v));
}

CanonicalTable pgTable(PgClient& pg, const std::string& schema, const std::string& table) {
    PgRows columns = pg.query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = '" +
                              schema + "' AND table_name = '" + table + "' ORDER BY ordinal_position");
    std::string select;
    std::vector<std::string> names;
    std::vector<bool> isJson;
    for (const auto& c : columns) {
        const std::string& name = *c[0];
        const std::string& type = *c[1];
        std::string expr;
        if (type == "timestamp with time zone")
            expr = "to_char(" + name + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
        else if (type == "boolean")
            expr = "CASE WHEN " + name + " THEN '1' WHEN NOT " + name + " THEN '0' END";
        else
            expr = name + "::text";
        select += (select.empty() ? "" : ", ") + expr;
        names.push_back(name);
        isJson.push_back(type == "jsonb" || type == "json");
    }
    CanonicalTable out;
    if (names.empty()) return out;
    for (const auto& row : pg.query("SELECT " + select + " FROM " + schema + "." + table)) {
        CanonicalRow r;
        for (std::size_t i = 0; i < names.size(); ++i)
            r[names[i]] = row[i] && isJson[i] ? std::optional<std::string>(canonicalJsonText(*row[i])) : row[i];
        out[*r.at("id")] = std::move(r);
    }
    return out;
}

CanonicalTable sqliteTable(SQLite::Database& db, const std::string& table) {
    SQLite::Statement q(db, "SELECT * FROM " + table);
    CanonicalTable out;
    while (q.executeStep()) {
        CanonicalRow r;
        for (int i = 0; i < q.getColumnCount(); ++i) {
            std::string name = q.getColumnName(i);
            SQLite::Column c = q.getColumn(i);
            if (c.isNull())
                r[name] = std::nullopt;
            else if (c.isInteger())
                r[name] = std::to_string(c.getInt64());
            else
                r[name] = name == "upstream_json" ? canonicalJsonText(c.getString()) : c.getString();
        }
        out[*r.at("id")] = std::move(r);
    }
    return out;
}

std::string firstDifference(const std::string& table, const CanonicalTable& mirror, const CanonicalTable& replica) {
    for (const auto& [id, row] : mirror) {
        auto other = replica.find(id);
        if (other == replica.end()) return table + " " + id + ": in the mirror, not in the replica";
        for (const auto& [column, value] : row) {
            auto v = other->second.find(column);
            if (v == other->second.end()) return table + ": the replica has no column " + column;
            if (v->second != value)
                return table + " " + id + ": " + column + ": mirror " + show(value) + ", replica " + show(v->second);
        }
        if (other->second.size() != row.size()) return table + ": the replica has columns the mirror does not";
    }
    for (const auto& [id, row] : replica)
        if (!mirror.count(id)) return table + " " + id + ": in the replica, not in the mirror";
    return "";
}

} // namespace roomsd::test
