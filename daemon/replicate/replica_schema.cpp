// The replica's DDL and its shape check (see replica_schema.hpp).
// Thread-safety: see replica_schema.hpp.
#include "replicate/replica_schema.hpp"

#include <map>
#include <set>

namespace roomsd::replicate {
namespace {

using model::FieldType;

std::string_view pgType(FieldType type) {
    switch (type) {
    case FieldType::String: return "text";
    case FieldType::Integer: return "bigint";
    case FieldType::Boolean: return "boolean";
    case FieldType::Timestamp: return "timestamp with time zone";
    }
    return "text";
}

std::vector<ReplicaColumn> columnsOf(const model::RecordSchema& schema) {
    std::vector<ReplicaColumn> columns;
    for (const auto& field : schema.fields)
        columns.push_back(ReplicaColumn{std::string(field.name), pgType(field.type), field.type});
    columns.push_back(ReplicaColumn{"upstream_json", "jsonb", FieldType::String, true});
    columns.push_back(ReplicaColumn{"synced_at", pgType(FieldType::Timestamp), FieldType::Timestamp});
    columns.push_back(ReplicaColumn{"deleted_at", pgType(FieldType::Timestamp), FieldType::Timestamp});
    return columns;
}

// The columns of replica_state, as information_schema names their types.
const std::vector<std::pair<std::string, std::string_view>>& stateColumns() {
    static const std::vector<std::pair<std::string, std::string_view>> columns{
        {"consumer", "text"},
        {"last_seq", "bigint"},
        {"snapshot_seq", "bigint"},
        {"snapshot_at", "timestamp with time zone"},
        {"updated_at", "timestamp with time zone"},
    };
    return columns;
}

// Which columns must be NOT NULL: the mirror's own NOT NULL ones.
bool notNull(std::string_view column) { return column == "id" || column == "upstream_json" || column == "synced_at"; }

std::string createTable(const std::string& s, const model::RecordSchema& schema) {
    std::string sql = "CREATE TABLE IF NOT EXISTS " + s + "." + std::string(schema.table) + " (\n";
    for (const auto& c : replicaColumns(schema)) {
        sql += "    " + c.name + " " + std::string(c.type == "timestamp with time zone" ? "timestamptz" : c.type);
        if (c.name == "id") sql += " PRIMARY KEY";
        if (notNull(c.name)) sql += " NOT NULL";
        sql += ",\n";
    }
    sql.erase(sql.size() - 2);
    sql += "\n);\n";
    return sql;
}

std::string createIndexes(const std::string& s, const model::RecordSchema& schema) {
    std::string sql;
    // The mirror's lookups (children of a parent, recently updated) are the ones a dashboard makes too.
    std::string t(schema.table);
    if (!schema.parentField.empty())
        sql += "CREATE INDEX IF NOT EXISTS " + t + "_" + std::string(schema.parentField) + " ON " + s + "." + t + " (" +
               std::string(schema.parentField) + ");\n";
    sql += "CREATE INDEX IF NOT EXISTS " + t + "_updated_at ON " + s + "." + t + " (updated_at);\n";
    return sql;
}

std::string createState(const std::string& s) {
    return "CREATE TABLE IF NOT EXISTS " + s + "." + std::string(kStateTable) +
           " (\n    consumer text PRIMARY KEY NOT NULL,\n    last_seq bigint NOT NULL,\n    snapshot_seq bigint,\n"
           "    snapshot_at timestamptz,\n    updated_at timestamptz NOT NULL\n);\n";
}

std::string whatToDo(const std::string& qualifiedTable) {
    return "roomsd-replicate writes only into tables of its own shape: drop the table (DROP TABLE " + qualifiedTable +
           "; it is created again and filled by a new snapshot on the next start), or set postgres.schema to another "
           "schema";
}

} // namespace

const std::vector<ReplicaColumn>& replicaColumns(const model::RecordSchema& schema) {
    static const std::map<std::string_view, std::vector<ReplicaColumn>> byTable = [] {
        std::map<std::string_view, std::vector<ReplicaColumn>> m;
        for (const model::RecordSchema* s : model::allSchemas()) m[s->table] = columnsOf(*s);
        return m;
    }();
    return byTable.at(schema.table);
}

std::string viewStatements(const std::string& s) {
    // schema/0002_analytics_views.sql in PostgreSQL: julianday differences become exact epoch
    // differences, substr(timestamp, 1, 10) the UTC date's text; GROUP BY names the joined
    // room's unique_name too, which PostgreSQL asks for and which the room id determines.
    return "CREATE OR REPLACE VIEW " + s + R"(.session_stats AS
SELECT s.id                          AS session_id,
       s.room_id                     AS room_id,
       r.unique_name                 AS unique_name,
       s.active                      AS active,
       s.created_at                  AS created_at,
       s.ended_at                    AS ended_at,
       CASE WHEN s.ended_at IS NOT NULL AND s.created_at IS NOT NULL
            THEN round(extract(epoch FROM s.ended_at) - extract(epoch FROM s.created_at), 3) END AS duration_seconds,
       (SELECT count(*) FROM )" +
           s + R"(.room_participants p
         WHERE p.session_id = s.id AND p.deleted_at IS NULL) AS participant_count
  FROM )" + s +
           R"(.room_sessions s
  LEFT JOIN )" +
           s +
           R"(.rooms r ON r.id = s.room_id AND r.deleted_at IS NULL
 WHERE s.deleted_at IS NULL;
CREATE OR REPLACE VIEW )" +
           s + R"(.participant_stats AS
SELECT p.id                          AS participant_id,
       p.session_id                  AS session_id,
       s.room_id                     AS room_id,
       p.context                     AS context,
       p.joined_at                   AS joined_at,
       p.left_at                     AS left_at,
       CASE WHEN p.left_at IS NOT NULL AND p.joined_at IS NOT NULL
            THEN round(extract(epoch FROM p.left_at) - extract(epoch FROM p.joined_at), 3) END AS seconds_in_session
  FROM )" + s +
           R"(.room_participants p
  LEFT JOIN )" +
           s +
           R"(.room_sessions s ON s.id = p.session_id AND s.deleted_at IS NULL
 WHERE p.deleted_at IS NULL;
CREATE OR REPLACE VIEW )" +
           s + R"(.room_daily_activity AS
WITH events AS (
    SELECT s.room_id AS room_id, to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
           1 AS sessions_started, 0 AS participants_joined, 0.0 AS participant_seconds
      FROM )" +
           s + R"(.room_sessions s
     WHERE s.deleted_at IS NULL AND s.created_at IS NOT NULL
    UNION ALL
    SELECT ps.room_id, to_char(ps.joined_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 0, 1, coalesce(ps.seconds_in_session, 0.0)
      FROM )" +
           s + R"(.participant_stats ps
     WHERE ps.joined_at IS NOT NULL AND ps.room_id IS NOT NULL
)
SELECT e.room_id                     AS room_id,
       r.unique_name                 AS unique_name,
       e.day                         AS day,
       sum(e.sessions_started)       AS sessions_started,
       sum(e.participants_joined)    AS participants_joined,
       round(sum(e.participant_seconds), 3) AS participant_seconds
  FROM events e
  LEFT JOIN )" +
           s + R"(.rooms r ON r.id = e.room_id AND r.deleted_at IS NULL
 GROUP BY e.room_id, e.day, r.unique_name;
)";
}

Result<void> checkShape(PgConnection& conn, const std::string& schemaName) {
    auto rows = conn.exec("SELECT table_name, column_name, data_type FROM information_schema.columns "
                          "WHERE table_schema = $1 ORDER BY table_name, ordinal_position",
                          {schemaName});
    if (!rows) return std::move(rows).error();
    std::map<std::string, std::map<std::string, std::string>> found;
    for (int i = 0; i < rows->rows(); ++i) found[rows->text(i, 0)][rows->text(i, 1)] = rows->text(i, 2);

    // Every difference of a table in one message, so that one look at it says what to undo.
    auto compare = [&](const std::string& table,
                       const std::vector<std::pair<std::string, std::string_view>>& expected) -> Result<void> {
        std::string qualified = schemaName + "." + table;
        auto it = found.find(table);
        if (it == found.end())
            return fail(ErrorKind::Config, "table " + qualified + " is missing; it is created on the next start");
        std::vector<std::string> problems;
        std::set<std::string> expectedNames;
        for (const auto& [name, type] : expected) {
            expectedNames.insert(name);
            auto column = it->second.find(name);
            if (column != it->second.end() && column->second != type)
                problems.push_back("column " + name + " is " + column->second + ", expected " + std::string(type));
        }
        for (const auto& [name, type] : expected)
            if (!it->second.count(name))
                problems.push_back("column " + name + " (" + std::string(type) + ") is missing");
        for (const auto& [name, type] : it->second)
            if (!expectedNames.count(name))
                problems.push_back("column " + name + " (" + type + ") is not one of the replica's");
        if (problems.empty()) return {};
        std::string message = "table " + qualified + ": ";
        for (std::size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
        return fail(ErrorKind::Config, message + ". " + whatToDo(qualified));
    };
    for (const model::RecordSchema* schema : model::allSchemas()) {
        std::vector<std::pair<std::string, std::string_view>> expected;
        for (const auto& c : replicaColumns(*schema)) expected.emplace_back(c.name, c.type);
        if (auto r = compare(std::string(schema->table), expected); !r) return std::move(r).error();
    }
    return compare(std::string(kStateTable), stateColumns());
}

Result<bool> prepareSchema(PgConnection& conn, const std::string& schemaName) {
    auto existing = conn.exec("SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND "
                              "table_name IN ('rooms', 'room_sessions', 'room_participants')",
                              {schemaName});
    if (!existing) return std::move(existing).error();
    bool created = existing->text(0, 0) != std::to_string(model::allSchemas().size());
    std::string ddl = "BEGIN;\nCREATE SCHEMA IF NOT EXISTS " + schemaName + ";\n";
    for (const model::RecordSchema* schema : model::allSchemas()) ddl += createTable(schemaName, *schema);
    ddl += createState(schemaName);
    if (auto r = conn.exec(ddl); !r) {
        (void)conn.exec("ROLLBACK");
        return std::move(r).error();
    }
    if (auto shape = checkShape(conn, schemaName); !shape) {
        (void)conn.exec("ROLLBACK");
        return std::move(shape).error();
    }
    std::string indexes;
    for (const model::RecordSchema* schema : model::allSchemas()) indexes += createIndexes(schemaName, *schema);
    if (auto r = conn.exec(indexes + viewStatements(schemaName) + "COMMIT;"); !r) {
        (void)conn.exec("ROLLBACK");
        Error e = std::move(r).error();
        if (e.kind == ErrorKind::Storage)
            e = fail(ErrorKind::Config, "the views in " + schemaName + " cannot be replaced (" + e.message +
                                            "); drop the view that differs, and it is re-created on the next start");
        return e;
    }
    return created;
}

} // namespace roomsd::replicate
