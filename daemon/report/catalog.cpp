// Loading and checking the report folders.
// Thread-safety: see catalog.hpp.
#include "report/catalog.hpp"

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "report/prelude.hpp"
#include "store/migrations.hpp"

namespace fs = std::filesystem;

namespace roomsd::report {
namespace {

constexpr std::size_t kMaxFiles = 1000;
constexpr std::uintmax_t kMaxFileBytes = 256 * 1024;

// The line of byte `offset` in `text`, from 1.
int lineOf(std::string_view text, int offset) {
    if (offset < 0) return 0;
    auto end = std::min<std::size_t>(static_cast<std::size_t>(offset), text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

// The first line of the query proper (for problems that have no position of their own).
int firstQueryLine(const ReportDefinition& def) {
    auto at = def.sql.find_first_not_of(" \t\r\n");
    return lineOf(def.sql, at == std::string::npos ? 0 : static_cast<int>(at));
}

Error problemAt(const ReportDefinition& def, int line, const std::string& message) {
    return fail(ErrorKind::Config, def.source + ":" + std::to_string(line) + ": " + message);
}

struct StatementDeleter {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

SQLite::Database& schemaDatabase() {
    // One per thread: a connection belongs to one thread at a time.
    thread_local std::unique_ptr<SQLite::Database> db;
    if (!db) {
        db = std::make_unique<SQLite::Database>(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        store::migrate(*db, store::embeddedMigrations());
    }
    return *db;
}

} // namespace

Result<void> checkQuery(const ReportDefinition& def) {
    std::string sql = withPrelude(def.sql);
    sqlite3* db = nullptr;
    try {
        db = schemaDatabase().getHandle();
    } catch (const std::exception& e) {
        return fail(ErrorKind::Internal, std::string("cannot build the schema to check reports against: ") + e.what());
    }
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), 0, &raw, &tail);
    std::unique_ptr<sqlite3_stmt, StatementDeleter> stmt(raw);
    if (rc != SQLITE_OK) {
        // Offsets after the prelude are on the line it was put on, so the line is right; an error
        // without a position (an unknown table) is given at the query's first line.
        int offset = sqlite3_error_offset(db);
        return problemAt(def, offset >= 0 ? lineOf(sql, offset) : firstQueryLine(def), sqlite3_errmsg(db));
    }
    if (!stmt) return problemAt(def, firstQueryLine(def), "the file holds no SQL statement");
    std::string_view rest(tail);
    while (!rest.empty() && (rest.front() == ';' || skipTrivia(rest) > 0))
        rest.remove_prefix(rest.front() == ';' ? 1 : skipTrivia(rest));
    if (!rest.empty())
        return problemAt(def, lineOf(sql, static_cast<int>(tail - sql.data())),
                         "a report holds exactly one SQL statement; remove what follows the first one");
    if (!sqlite3_stmt_readonly(stmt.get()))
        return problemAt(def, firstQueryLine(def), "a report's query may only read the mirror");
    const auto& standard = standardParameterNames();
    for (int i = 1; i <= sqlite3_bind_parameter_count(stmt.get()); ++i) {
        const char* name = sqlite3_bind_parameter_name(stmt.get(), i);
        std::string_view n = name != nullptr ? name : "?";
        if (n.size() < 2 || n[0] != ':')
            return problemAt(def, firstQueryLine(def),
                             "parameters are named, as :from or :hours; " + std::string(n) + " is not");
        n.remove_prefix(1);
        if (std::find(standard.begin(), standard.end(), n) == standard.end() && !def.findParam(n))
            return problemAt(def, firstQueryLine(def),
                             "the query uses :" + std::string(n) +
                                 ", which is neither a standard parameter (:from, :to, :period_start, :period_end, "
                                 ":report_end, :generated_at, :room) nor declared with `-- param:`");
    }
    std::vector<std::string> columns;
    for (int i = 0; i < sqlite3_column_count(stmt.get()); ++i) columns.emplace_back(sqlite3_column_name(stmt.get(), i));
    auto hasColumn = [&](const std::string& c) {
        return std::find(columns.begin(), columns.end(), c) != columns.end();
    };
    for (const auto* c : {&def.chart.labelColumn, &def.chart.valueColumn})
        if (def.chart.kind != ChartKind::None && !hasColumn(*c))
            return problemAt(def, 1, "chart: the query has no column " + *c);
    for (const auto& [column, unit] : def.units)
        if (!hasColumn(column)) return problemAt(def, 1, "unit: the query has no column " + column);
    return {};
}

const ReportDefinition* ReportCatalog::find(std::string_view name) const {
    auto it = std::find_if(reports_.begin(), reports_.end(), [&](const ReportDefinition& d) { return d.name == name; });
    return it == reports_.end() ? nullptr : &*it;
}

bool ReportCatalog::add(std::string_view text, const std::string& fileName, const std::string& source, bool builtin) {
    auto name = reportNameOf(fileName);
    if (!name) {
        problems_.push_back(source + ": " + name.error().message);
        return false;
    }
    if (const ReportDefinition* existing = find(*name)) {
        problems_.push_back(source + ": left out: " +
                            (existing->builtin ? "a built-in report is named " + *name + " (rename the file)"
                                               : "the report " + *name + " is already defined by " + existing->source));
        return false;
    }
    auto def = parseDefinition(text, *name, source);
    if (!def) {
        problems_.push_back(def.error().message);
        return false;
    }
    def->builtin = builtin;
    if (auto checked = checkQuery(*def); !checked) {
        problems_.push_back(checked.error().message);
        return false;
    }
    reports_.push_back(std::move(*def));
    return true;
}

void ReportCatalog::loadFolder(const fs::path& dir, bool builtin, bool mustExist) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        if (mustExist) problems_.push_back(dir.string() + ": the folder of the built-in reports is missing");
        return;
    }
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end && files.size() < kMaxFiles; it.increment(ec))
        if (it->path().extension() == ".sql") files.push_back(it->path());
    if (ec) problems_.push_back(dir.string() + ": cannot list the folder: " + ec.message());
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
        auto size = fs::file_size(file, ec);
        if (ec || !fs::is_regular_file(file, ec)) {
            problems_.push_back(file.string() + ": not a readable file");
            continue;
        }
        if (size > kMaxFileBytes) {
            problems_.push_back(file.string() + ": larger than 256 KiB; a report is a header and one query");
            continue;
        }
        std::ifstream in(file, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        if (!in) {
            problems_.push_back(file.string() + ": cannot be read");
            continue;
        }
        add(text.str(), file.filename().string(), file.string(), builtin);
    }
}

ReportCatalog ReportCatalog::load(const fs::path& builtinDir, const std::optional<fs::path>& userDir) {
    ReportCatalog catalog;
    catalog.loadFolder(builtinDir, true, true);
    if (userDir) catalog.loadFolder(*userDir, false, false);
    return catalog;
}

fs::path builtinReportsDir(const fs::path& executable) {
    return executable.parent_path().parent_path() / "share" / "roomsd" / "reports";
}

} // namespace roomsd::report
