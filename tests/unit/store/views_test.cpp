// The analytics views (README, "Views") on real SQLite files: since 0005 room_daily_activity reads a
// rollup for the rooms no write has touched since its last refresh, and computes the others, and must
// give what the views of 0002 gave (the same rows, values to 12 digits, and order where a query
// orders), after the migration of a filled mirror and after any sequence of the writes a mirror sees,
// before and after the rollup's refresh. The 0002 views are recreated from the released migration's
// own text as temp views named old_*, over the same tables, and every query is run against both.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <random>
#include <regex>
#include <sqlite3.h>

#include "common/time.hpp"
#include "store/daily_rollup.hpp"
#include "store/database.hpp"
#include "store/migrations.hpp"
#include "support/process.hpp"
#include "support/readme.hpp"

using namespace roomsd;
using namespace roomsd::store;

namespace {

using Rows = std::vector<std::vector<std::string>>;

const std::regex kViewName(R"(\b(session_stats|participant_stats|room_daily_activity)\b)");

// A cell as text that tells every value apart: its type, and a REAL to 12 significant digits (every
// value the views give is rounded to 0.001; a query's sum over them, met in another row order, may
// differ from the old view's in the last bits, as it may between two query plans of the old view).
std::string cell(const SQLite::Column& c) {
    switch (c.getType()) {
    case SQLITE_NULL: return "null";
    case SQLITE_INTEGER: return "int:" + std::to_string(c.getInt64());
    case SQLITE_FLOAT: {
        char buf[64];
        std::snprintf(buf, sizeof buf, "real:%.12g", c.getDouble());
        return buf;
    }
    default: return "text:" + c.getString();
    }
}

Rows rows(SQLite::Database& db, const std::string& sql) {
    SQLite::Statement q(db, sql);
    Rows out;
    while (q.executeStep()) {
        std::vector<std::string> row;
        for (int i = 0; i < q.getColumnCount(); ++i) row.push_back(cell(q.getColumn(i)));
        out.push_back(std::move(row));
    }
    return out;
}

std::string onOldViews(const std::string& sql) { return std::regex_replace(sql, kViewName, "old_$1"); }

// The views of 0002, as released, as temp views old_session_stats, old_participant_stats, ...
void createOldViews(SQLite::Database& db) {
    const Migration& views = embeddedMigrations()[1];
    REQUIRE(views.name == "0002_analytics_views.sql");
    std::string sql =
        std::regex_replace(onOldViews(std::string(views.sql)), std::regex("CREATE VIEW"), "CREATE TEMP VIEW");
    db.exec(sql);
}

// The queries compared: the README's examples over the views, and each view whole and summed.
std::vector<std::string> viewQueries() {
    std::vector<std::string> queries;
    for (const std::string& sql : test::sqlBlockStatements(test::readme()))
        if (std::regex_search(sql, kViewName)) queries.push_back(sql);
    REQUIRE(queries.size() >= 3);
    queries.insert(
        queries.end(),
        {
            "SELECT * FROM room_daily_activity",
            "SELECT * FROM participant_stats ORDER BY participant_id",
            "SELECT * FROM session_stats ORDER BY session_id",
            "SELECT count(*), sum(seconds_in_session), count(room_id) FROM participant_stats",
            "SELECT count(*), sum(sessions_started), sum(participants_joined), sum(participant_seconds), "
            "count(unique_name) FROM room_daily_activity",
            "SELECT day, sum(participants_joined), sum(participant_seconds) FROM room_daily_activity GROUP BY day "
            "ORDER BY day",
            "SELECT room_id, sum(participant_seconds) FROM room_daily_activity GROUP BY room_id",
        });
    return queries;
}

bool pending(SQLite::Database& db) { return db.execAndGet("SELECT count(*) FROM room_daily_dirty").getInt() > 0; }

// The answer of `sql`: in its order when it orders, as a sorted set of rows when it does not.
Rows answer(SQLite::Database& db, const std::string& sql, bool keepOrder = false) {
    Rows out = rows(db, sql);
    if (!keepOrder && !std::regex_search(sql, std::regex("ORDER BY", std::regex::icase)))
        std::sort(out.begin(), out.end());
    return out;
}

void requireSameAsOldViews(SQLite::Database& db, const std::string& when) {
    for (const std::string& sql : viewQueries()) {
        INFO(when << ": " << sql);
        Rows now = answer(db, sql);
        Rows old = answer(db, onOldViews(sql));
        CHECK(now.size() == old.size());
        CHECK(now == old);
    }
    // Once no room is pending, the whole view comes in the old view's groups' order (room_id, day).
    if (!pending(db)) {
        INFO(when);
        CHECK(answer(db, "SELECT * FROM room_daily_activity", true) ==
              answer(db, "SELECT * FROM old_room_daily_activity", true));
    }
}

// Both ways of answering: with the rooms written since the last refresh computed, then from the rollup.
void requireSameBeforeAndAfterRefresh(SQLite::Database& db, const std::string& when) {
    requireSameAsOldViews(db, when + ", rollup pending");
    auto refreshed = refreshDailyRollup(db);
    REQUIRE(refreshed);
    CHECK_FALSE(pending(db));
    requireSameAsOldViews(db, when + ", rollup refreshed (" + std::to_string(*refreshed) + " rooms)");
}

// Rooms, sessions and participants as the mirror writes them, with the odd ones upstream can send:
// a session without a room or with a room not mirrored, a participant without a session or a join
// time, one still present, one that left before it joined; then any write a pass can make.
class MirrorGenerator {
public:
    MirrorGenerator(SQLite::Database& db, unsigned seed) : db_(db), rng_(seed) {}

    void fill(int rooms, int sessions, int participants) {
        SQLite::Transaction tx(db_);
        for (int i = 0; i < rooms; ++i) addRoom();
        for (int i = 0; i < sessions; ++i) addSession();
        for (int i = 0; i < participants; ++i) addParticipant();
        tx.commit();
    }

    // One random write: an insert, an update of one field, a tombstone set or cleared, a delete.
    void write() {
        int op = pick(100);
        if (op < 5)
            addRoom();
        else if (op < 15)
            addSession();
        else if (op < 35)
            addParticipant();
        else if (op < 55)
            updateParticipant();
        else if (op < 70)
            updateSession();
        else if (op < 75)
            set("rooms", "unique_name", any(rooms_), "text:" + std::to_string(pick(1000)));
        else if (op < 85)
            set(anyTable(), "deleted_at", "", "time");
        else if (op < 95)
            set(anyTable(), "deleted_at", "", "null");
        else
            removeOne();
    }

private:
    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
    bool chance(int percent) { return pick(100) < percent; }

    std::string time(std::int64_t offsetMicros = 0) {
        std::int64_t spread = std::int64_t(10) * 86400 * 1000000;
        std::uniform_int_distribution<std::int64_t> d(0, spread);
        return formatTimestamp(Timestamp{base_.micros - spread + d(rng_) + offsetMicros});
    }
    std::optional<std::string> parentOf(const std::vector<std::string>& pool, const char* missing) {
        if (chance(5)) return std::nullopt;
        if (chance(10) || pool.empty()) return std::string(missing) + std::to_string(pick(5));
        return any(pool);
    }
    std::string any(const std::vector<std::string>& pool) {
        return pool[static_cast<std::size_t>(pick(int(pool.size())))];
    }
    std::string anyTable() {
        static const char* tables[] = {"rooms", "room_sessions", "room_participants", "room_participants"};
        return tables[pick(4)];
    }
    std::string newId(const char* kind) { return std::string(kind) + "-" + std::to_string(++serial_); }

    static void bindOpt(SQLite::Statement& s, int index, const std::optional<std::string>& v) {
        if (v)
            s.bind(index, *v);
        else
            s.bind(index);
    }

    void addRoom() {
        std::string id = newId("room");
        SQLite::Statement s(db_, "INSERT INTO rooms (id, unique_name, created_at, updated_at, upstream_json, synced_at)"
                                 " VALUES (?, ?, ?, ?, '{}', ?)");
        std::string created = time();
        s.bind(1, id);
        s.bind(2, "name-" + id);
        s.bind(3, created);
        s.bind(4, created);
        s.bind(5, created);
        s.exec();
        rooms_.push_back(id);
    }

    void addSession() {
        std::string id = newId("session");
        std::optional<std::string> created = chance(5) ? std::nullopt : std::optional(time());
        bool active = chance(30);
        SQLite::Statement s(db_, "INSERT INTO room_sessions (id, room_id, active, created_at, updated_at, ended_at,"
                                 " upstream_json, synced_at) VALUES (?, ?, ?, ?, ?, ?, '{}', ?)");
        s.bind(1, id);
        bindOpt(s, 2, parentOf(rooms_, "room-missing-"));
        s.bind(3, active ? 1 : 0);
        bindOpt(s, 4, created);
        bindOpt(s, 5, created);
        bindOpt(s, 6, active ? std::nullopt : std::optional(time()));
        s.bind(7, time());
        s.exec();
        sessions_.push_back(id);
    }

    std::optional<std::string> leftAfter(const std::optional<std::string>& joined) {
        if (chance(30)) return std::nullopt;
        if (!joined || chance(5)) return time(); // any time, before the join included
        auto t = parseTimestamp(*joined);
        std::uniform_int_distribution<std::int64_t> d(0, std::int64_t(3) * 3600 * 1000000);
        return formatTimestamp(Timestamp{t->micros + d(rng_)});
    }

    void addParticipant() {
        std::string id = newId("participant");
        std::optional<std::string> joined = chance(5) ? std::nullopt : std::optional(time());
        SQLite::Statement s(db_, "INSERT INTO room_participants (id, session_id, context, joined_at, updated_at,"
                                 " left_at, upstream_json, synced_at) VALUES (?, ?, ?, ?, ?, ?, '{}', ?)");
        s.bind(1, id);
        bindOpt(s, 2, parentOf(sessions_, "session-missing-"));
        s.bind(3, "context-" + std::to_string(pick(20)));
        bindOpt(s, 4, joined);
        bindOpt(s, 5, joined);
        bindOpt(s, 6, leftAfter(joined));
        s.bind(7, time());
        s.exec();
        participants_.push_back(id);
    }

    // One field of a random row of `table` changed (a `fields` entry, "column kind"), or none.
    void update(const std::string& table, const std::vector<std::pair<std::string, std::string>>& fields) {
        const std::vector<std::string>& pool = table == "room_sessions" ? sessions_ : participants_;
        if (pool.empty()) return;
        std::string id = any(pool);
        int which = pick(int(fields.size()) + 1);
        if (which == int(fields.size())) return rewriteUnchanged(table, id);
        const auto& [column, kind] = fields[static_cast<std::size_t>(which)];
        set(table, column, id, kind == "time?" ? (chance(15) ? "null" : "time") : kind);
    }
    void updateParticipant() {
        update("room_participants",
               {{"session_id", "parent"}, {"joined_at", "time?"}, {"left_at", "time?"}, {"context", "text:moved"}});
    }
    void updateSession() {
        update("room_sessions",
               {{"room_id", "parent"}, {"created_at", "time?"}, {"ended_at", "time"}, {"active", "flag"}});
    }

    // Sets `column` of row `id` of `table` (a random row when `id` is empty) to a value of `kind`:
    // null, time, parent (a session's room, a participant's session), flag, text:VALUE.
    void set(const std::string& table, const std::string& column, std::string id, const std::string& kind) {
        const std::vector<std::string>& pool = table == "rooms"           ? rooms_
                                               : table == "room_sessions" ? sessions_
                                                                          : participants_;
        if (pool.empty()) return;
        if (id.empty()) id = any(pool);
        SQLite::Statement s(db_, "UPDATE " + table + " SET " + column + " = ? WHERE id = ?");
        if (kind == "null")
            s.bind(1);
        else if (kind == "time")
            s.bind(1, time());
        else if (kind == "flag")
            s.bind(1, pick(2));
        else if (kind == "parent")
            bindOpt(s, 1,
                    table == "room_sessions" ? parentOf(rooms_, "room-missing-")
                                             : parentOf(sessions_, "session-missing-"));
        else
            s.bind(1, kind.substr(5));
        s.bind(2, id);
        s.exec();
    }

    // The writer's update of a record whose fields did not change: every column set to itself.
    void rewriteUnchanged(const std::string& table, const std::string& id) {
        std::string fields = table == "room_sessions" ? "room_id = room_id, active = active, created_at = created_at, "
                                                        "ended_at = ended_at"
                                                      : "session_id = session_id, joined_at = joined_at, "
                                                        "left_at = left_at, context = context";
        SQLite::Statement s(db_, "UPDATE " + table + " SET " + fields + ", synced_at = ? WHERE id = ?");
        s.bind(1, time());
        s.bind(2, id);
        s.exec();
    }

    void removeOne() {
        std::string table = anyTable();
        std::vector<std::string>& pool = table == "rooms"           ? rooms_
                                         : table == "room_sessions" ? sessions_
                                                                    : participants_;
        if (pool.empty()) return;
        std::size_t at = static_cast<std::size_t>(pick(int(pool.size())));
        SQLite::Statement s(db_, "DELETE FROM " + table + " WHERE id = ?");
        s.bind(1, pool[at]);
        s.exec();
        pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(at));
    }

    SQLite::Database& db_;
    std::mt19937 rng_;
    Timestamp base_ = nowUtc();
    int serial_ = 0;
    std::vector<std::string> rooms_, sessions_, participants_;
};

// The detail of each line of `sql`'s query plan ("SCAN s USING COVERING INDEX ...").
std::vector<std::string> planLines(SQLite::Database& db, const std::string& sql) {
    SQLite::Statement plan(db, "EXPLAIN QUERY PLAN " + sql);
    std::vector<std::string> lines;
    while (plan.executeStep()) lines.push_back(plan.getColumn(3).getString());
    return lines;
}

// The plan's lines that read every row of room_participants (not an index search, not an index alone).
std::vector<std::string> participantTableScans(SQLite::Database& db, const std::string& sql) {
    std::vector<std::string> scans;
    std::regex tableScan(R"(^SCAN (p|room_participants)\b)");
    for (const std::string& detail : planLines(db, sql))
        if (std::regex_search(detail, tableScan) && detail.find("COVERING INDEX") == std::string::npos)
            scans.push_back(detail);
    return scans;
}

} // namespace

// A mirror filled under the migrations before `name`, then opened by this version (which runs `name` and
// every later one): each query answers as it did before, with the rollup pending and refreshed.
TEST_CASE("a filled mirror migrated from an earlier release answers every view query as before") {
    std::string name = GENERATE(as<std::string>{}, "0005_daily_rollup.sql", "0006_running_sessions_indexes.sql");
    INFO("filled before " << name);
    test::TempDir dir;
    auto path = dir / "mirror.db";
    auto all = embeddedMigrations();
    auto named = [&](const std::string& file) {
        return std::find_if(all.begin(), all.end(), [&](const Migration& m) { return m.name == file; });
    };
    auto first = named(name);
    REQUIRE(first != all.end());
    // A mirror that ran 0005 keeps its rollup, refreshed after its last cycle; one that did not has
    // every room pending until the first refresh.
    bool hadRollup = first > named("0005_daily_rollup.sql");
    std::vector<std::pair<std::string, Rows>> answers;
    {
        SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        migrate(old, all.first(static_cast<std::size_t>(first - all.begin())));
        createOldViews(old);
        MirrorGenerator(old, 1).fill(60, 240, 900);
        if (hadRollup) REQUIRE(refreshDailyRollup(old));
        for (const std::string& sql : viewQueries()) {
            answers.emplace_back(sql, answer(old, sql));
            INFO(sql);
            CHECK(answers.back().second == answer(old, onOldViews(sql)));
        }
    }
    auto db = openWriter(path);
    REQUIRE(db.execAndGet("PRAGMA user_version").getInt() == all.back().version);
    CHECK(pending(db) == !hadRollup);
    for (int refreshed = 0; refreshed < 2; ++refreshed) {
        for (const auto& [sql, old] : answers) {
            INFO((refreshed ? "refreshed: " : "as migrated: ") << sql);
            CHECK(answer(db, sql) == old);
        }
        REQUIRE(refreshDailyRollup(db));
    }
    CHECK(db.execAndGet("SELECT count(*) FROM room_daily_rollup").getInt() > 0);
}

TEST_CASE("the views stay exact under inserts, updates, tombstones, restores, moves and deletes") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    createOldViews(db);
    MirrorGenerator mirror(db, 7);
    mirror.fill(30, 100, 300);
    requireSameBeforeAndAfterRefresh(db, "filled");
    for (int round = 1; round <= 5; ++round) {
        // A few writes leave most rooms in the rollup and a few pending; many leave most pending.
        for (int i = 0; i < (round % 2 ? 300 : 5); ++i) mirror.write();
        requireSameBeforeAndAfterRefresh(db, "round " + std::to_string(round));
    }
}

TEST_CASE("a refresh with no room pending writes nothing") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorGenerator(db, 5).fill(10, 30, 90);
    REQUIRE(*refreshDailyRollup(db) > 0);
    int changes = sqlite3_total_changes(db.getHandle());
    CHECK(*refreshDailyRollup(db) == 0);
    CHECK(sqlite3_total_changes(db.getHandle()) == changes);
}

TEST_CASE("room_daily_activity reads neither sessions nor participants once nothing is pending") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorGenerator(db, 3).fill(20, 60, 200);
    REQUIRE(refreshDailyRollup(db));
    std::vector<std::string> scans;
    for (const std::string& detail :
         planLines(db, "SELECT count(*), sum(participant_seconds) FROM room_daily_activity"))
        if (detail.starts_with("SCAN")) scans.push_back(detail);
    INFO(Catch::Detail::stringify(scans));
    // The rollup is scanned; sessions and participants are only searched (by room, by session).
    CHECK(std::any_of(scans.begin(), scans.end(),
                      [](const std::string& d) { return d.find("room_daily_rollup") != std::string::npos; }));
    CHECK(std::none_of(scans.begin(), scans.end(), [](const std::string& d) {
        return d.find("room_participants") != std::string::npos || d.find(" p") != std::string::npos;
    }));
}

TEST_CASE("the README's view queries read no full room_participants table") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorGenerator(db, 3).fill(20, 60, 200);
    REQUIRE(refreshDailyRollup(db));
    int readmeQueries = 0;
    for (const std::string& sql : test::sqlBlockStatements(test::readme())) {
        if (!std::regex_search(sql, kViewName)) continue;
        ++readmeQueries;
        INFO(sql);
        CHECK(participantTableScans(db, sql).empty());
    }
    CHECK(readmeQueries >= 3);
}

TEST_CASE("room_daily_activity looks up only the pending rooms' sessions, whatever the tables hold") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorGenerator(db, 3).fill(20, 60, 200);
    REQUIRE(refreshDailyRollup(db));
    std::vector<std::string> lines = planLines(db, "SELECT count(*) FROM room_daily_activity");
    INFO(Catch::Detail::stringify(lines));
    // Sessions are searched (by room), never scanned: with nothing pending the pending part reads nothing.
    CHECK(std::none_of(lines.begin(), lines.end(), [](const std::string& d) { return d.starts_with("SCAN s"); }));
}

TEST_CASE("the README's sessions running now reads index entries, not the rows of sessions and participants") {
    test::TempDir dir;
    auto db = openWriter(dir / "mirror.db");
    MirrorGenerator(db, 3).fill(20, 60, 200);
    std::vector<std::string> running;
    for (const std::string& sql : test::sqlBlockStatements(test::readme()))
        if (sql.find("s.active = 1") != std::string::npos) running.push_back(sql);
    REQUIRE(running.size() == 1);
    std::vector<std::string> lines = planLines(db, running.front());
    INFO(Catch::Detail::stringify(lines));
    // Every session and participant it reads comes from an index entry that holds all it needs.
    std::regex tableRead(R"(^(SCAN|SEARCH) (s|p|room_sessions|room_participants)\b)");
    int reads = 0;
    for (const std::string& detail : lines) {
        if (!std::regex_search(detail, tableRead)) continue;
        ++reads;
        CHECK(detail.find("COVERING INDEX") != std::string::npos);
    }
    CHECK(reads >= 2);
}
