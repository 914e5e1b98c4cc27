// bench_write: the write-only limit of a backfill. Writes the rows of a mirror roomsd built into a
// new database with the same schema (schema/*.sql, applied in order), the way the simplest correct
// writer would: the connection settings of daemon/store/database.cpp (WAL, synchronous=NORMAL),
// one prepared INSERT per table, one transaction per batch of page-size rows. The rows are read
// into memory first, so only the writing is timed: what the B-trees cost, whoever fills them.
//
//   bench_write --source MIRROR.db --dest NEW.db --schema-dir schema [--batch 250] [--change-log 1]
//
// With --change-log 1 each row also appends its insert to change_log, in the same transaction, as
// roomsd's writer does: the difference between the two runs is what the change feed costs.
// Prints one JSON object: rows, batches, and the wall and CPU seconds of the writing alone.
// Thread-safety: single-threaded.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cpu_time.hpp"

namespace fs = std::filesystem;

namespace {

// One SQLite value as the source stored it (STRICT tables: its type matters).
struct Value {
    int type = SQLITE_NULL;
    std::int64_t integer = 0;
    std::string text;
};

struct Table {
    std::string name;
    std::vector<std::string> columns;
    std::vector<std::vector<Value>> rows;
};

const char* const kRecordTables[] = {"rooms", "room_sessions", "room_participants"};

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Applies every schema/NNNN_*.sql in name order: the tables, indexes and views roomsd creates.
void applySchema(SQLite::Database& db, const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".sql") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) db.exec(readText(file));
}

std::vector<std::string> columnsOf(SQLite::Database& db, const std::string& table) {
    std::vector<std::string> names;
    SQLite::Statement q(db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
    q.bind(1, table);
    while (q.executeStep()) names.push_back(q.getColumn(0).getString());
    return names;
}

Table load(SQLite::Database& source, const std::string& name, std::vector<std::string> columns) {
    Table table{name, std::move(columns), {}};
    std::string list;
    for (const auto& c : table.columns) list += (list.empty() ? "" : ", ") + c;
    // Rowid order is the order roomsd inserted the rows, i.e. the order the listing sent them.
    SQLite::Statement q(source, "SELECT " + list + " FROM " + name + " ORDER BY rowid");
    while (q.executeStep()) {
        std::vector<Value> row(table.columns.size());
        for (int i = 0; i < static_cast<int>(row.size()); ++i) {
            SQLite::Column c = q.getColumn(i);
            row[i].type = c.getType();
            if (row[i].type == SQLITE_INTEGER)
                row[i].integer = c.getInt64();
            else if (row[i].type != SQLITE_NULL)
                row[i].text = c.getString();
        }
        table.rows.push_back(std::move(row));
    }
    return table;
}

void bindRow(SQLite::Statement& insert, const std::vector<Value>& row) {
    for (int i = 0; i < static_cast<int>(row.size()); ++i) {
        const Value& v = row[i];
        if (v.type == SQLITE_NULL)
            insert.bind(i + 1);
        else if (v.type == SQLITE_INTEGER)
            insert.bind(i + 1, static_cast<int64_t>(v.integer));
        else
            insert.bindNoCopy(i + 1, v.text);
    }
}

} // namespace

int main(int argc, char** argv) {
    fs::path sourcePath, destPath, schemaDir;
    std::size_t batch = 250;
    bool changeLog = false;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string name = argv[i];
        if (name == "--source")
            sourcePath = argv[i + 1];
        else if (name == "--dest")
            destPath = argv[i + 1];
        else if (name == "--schema-dir")
            schemaDir = argv[i + 1];
        else if (name == "--batch")
            batch = static_cast<std::size_t>(std::max(1, std::atoi(argv[i + 1])));
        else if (name == "--change-log")
            changeLog = std::string(argv[i + 1]) == "1";
    }
    if (sourcePath.empty() || destPath.empty() || schemaDir.empty() || (argc % 2) != 1) {
        std::fprintf(stderr,
                     "usage: bench_write --source DB --dest DB --schema-dir DIR [--batch N] [--change-log 0|1]\n");
        return 2;
    }
    try {
        SQLite::Database dest(destPath, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
        dest.exec("PRAGMA journal_mode = WAL");
        dest.exec("PRAGMA synchronous = NORMAL");
        dest.exec("PRAGMA journal_size_limit = 67108864");
        dest.exec("PRAGMA foreign_keys = OFF");
        applySchema(dest, schemaDir);

        std::vector<Table> tables;
        {
            SQLite::Database source(sourcePath, SQLite::OPEN_READONLY);
            for (const char* name : kRecordTables) tables.push_back(load(source, name, columnsOf(dest, name)));
        }

        auto start = std::chrono::steady_clock::now();
        double cpuStart = roomsd::bench::processCpuSeconds();
        std::size_t rows = 0, batches = 0;
        for (const Table& table : tables) {
            std::string list, marks;
            for (const auto& c : table.columns) {
                list += (list.empty() ? "" : ", ") + c;
                marks += marks.empty() ? "?" : ", ?";
            }
            SQLite::Statement insert(dest, "INSERT INTO " + table.name + " (" + list + ") VALUES (" + marks + ")");
            SQLite::Statement logInsert(dest, "INSERT INTO change_log (kind, record_id, op, fields, record, applied_at)"
                                              " VALUES (?, ?, 'insert', NULL, ?, ?)");
            auto column = [&](const char* name) {
                return static_cast<std::size_t>(std::find(table.columns.begin(), table.columns.end(), name) -
                                                table.columns.begin());
            };
            std::size_t idAt = column("id"), jsonAt = column("upstream_json"), syncedAt = column("synced_at");
            for (std::size_t first = 0; first < table.rows.size(); first += batch) {
                SQLite::Transaction tx(dest);
                std::size_t end = std::min(table.rows.size(), first + batch);
                for (std::size_t r = first; r < end; ++r) {
                    bindRow(insert, table.rows[r]);
                    insert.exec();
                    insert.reset();
                    insert.clearBindings();
                    if (changeLog) {
                        const std::vector<Value>& row = table.rows[r];
                        logInsert.bind(1, table.name);
                        logInsert.bindNoCopy(2, row[idAt].text);
                        logInsert.bindNoCopy(3, row[jsonAt].text);
                        logInsert.bindNoCopy(4, row[syncedAt].text);
                        logInsert.exec();
                        logInsert.reset();
                    }
                }
                tx.commit();
                rows += end - first;
                ++batches;
            }
        }
        double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        double cpu = roomsd::bench::processCpuSeconds() - cpuStart;
        std::printf("{\"rows\":%zu,\"batches\":%zu,\"wall_s\":%.6f,\"cpu_s\":%.6f}\n", rows, batches, wall, cpu);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_write: %s\n", e.what());
        return 1;
    }
}
