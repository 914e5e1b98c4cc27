// roomsctl end to end: the real roomsctl, the real roomsd, the real telnyx-sim. Every
// command in every format, checked against what the simulated account holds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fcntl.h>
#include <poll.h>
#include <sstream>
#include <unistd.h>

#include "ctl/render.hpp"
#include "ctl_fixture.hpp"
#include "model/records.hpp"
#include "support/json.hpp"
#include "support/sim_control.hpp"
#include "support/text.hpp"

using namespace roomsd;
using namespace roomsd::test;
namespace json = boost::json;

namespace {

using Record = json::object;
using Predicate = std::function<bool(const Record&)>;

std::vector<std::string> fieldNames(const model::RecordSchema& schema) {
    std::vector<std::string> names;
    for (const auto& f : schema.fields) names.emplace_back(f.name);
    return names;
}

json::array recordsOf(
    const json::object& account, const model::RecordSchema& schema,
    const Predicate& keep = [](const Record&) { return true; }) {
    json::array out;
    for (const auto& r : account.at(schema.table).as_array())
        if (keep(r.as_object())) out.push_back(r);
    return out;
}

const Record& findById(const json::array& records, std::string_view id) {
    for (const auto& r : records)
        if (r.as_object().at("id").as_string() == id) return r.as_object();
    FAIL("no record " << id);
    throw std::logic_error("unreachable");
}

// Every scalar field of every expected record equals the shown one, and no record is missing or extra.
void checkSameRecords(const model::RecordSchema& schema, const json::array& shown, const json::array& expected) {
    REQUIRE(idSetOf(shown) == idSetOf(expected));
    CHECK(shown.size() == expected.size());
    for (const auto& e : expected) {
        const Record& want = e.as_object();
        const Record& got = findById(shown, want.at("id").as_string());
        for (const auto& field : schema.fields) {
            INFO(schema.name << " " << want.at("id").as_string() << " " << field.name);
            const json::value* w = want.if_contains(field.name);
            const json::value* g = got.if_contains(field.name);
            CHECK((w == nullptr ? json::value(nullptr) : *w) == (g == nullptr ? json::value(nullptr) : *g));
        }
    }
}

// The UTC date of a record's timestamp field, or "" when it is null.
std::string dateOf(const Record& r, std::string_view field) {
    const json::value* v = r.if_contains(field);
    return v == nullptr || !v->is_string() ? std::string() : std::string(v->as_string()).substr(0, 10);
}

std::string stringOf(const Record& r, std::string_view field) {
    const json::value* v = r.if_contains(field);
    return v == nullptr || !v->is_string() ? std::string() : std::string(v->as_string());
}

// A date some records fall before and some after: the median of the field's dates.
std::string middleDate(const json::array& records, std::string_view field) {
    std::vector<std::string> dates;
    for (const auto& r : records)
        if (auto d = dateOf(r.as_object(), field); !d.empty()) dates.push_back(d);
    REQUIRE_FALSE(dates.empty());
    std::sort(dates.begin(), dates.end());
    return dates[dates.size() / 2];
}

// roomsctl <kind> <flags> --all --format json shows exactly the account's records that `keep` selects.
void checkFilter(const SyncedMirror& mirror, const json::object& account, const model::RecordSchema& schema,
                 std::vector<std::string> flags, const Predicate& keep) {
    std::vector<std::string> args{std::string(schema.name)};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back("--all");
    std::string shownFlags;
    for (const auto& f : flags) shownFlags += f + " ";
    INFO("roomsctl " << schema.name << " " << shownFlags);
    json::value out = mirror.ctlJson(args);
    json::array expected = recordsOf(account, schema, keep);
    CHECK_FALSE(expected.empty()); // a filter that matches nothing would prove little
    checkSameRecords(schema, out.at("data").as_array(), expected);
}

std::size_t countWithParent(const json::object& account, const model::RecordSchema& schema, const std::string& id) {
    std::size_t n = 0;
    for (const auto& r : account.at(schema.table).as_array())
        if (stringOf(r.as_object(), schema.parentField) == id) ++n;
    return n;
}

// The output of roomsctl with stdout on a pseudo-terminal, as the terminal received it.
std::string runOnTerminal(const std::vector<std::string>& args) {
    int master = ::posix_openpt(O_RDWR | O_NOCTTY);
    REQUIRE(master >= 0);
    REQUIRE(::grantpt(master) == 0);
    REQUIRE(::unlockpt(master) == 0);
    std::string slave = ::ptsname(master);
    SpawnOptions options;
    options.stdoutPath = slave;
    options.unsetEnv = {"ROOMSD_SOCKET"};
    std::vector<std::string> argv{(binDir() / "roomsctl").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess child(argv, options);
    std::string out;
    char buffer[4096];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 100) > 0) {
            ssize_t n = ::read(master, buffer, sizeof buffer);
            if (n <= 0) break; // EIO: the child closed the terminal
            out.append(buffer, static_cast<std::size_t>(n));
        } else if (!child.running()) {
            break;
        }
    }
    CHECK(child.waitFor(std::chrono::seconds(10)) == 0);
    ::close(master);
    out.erase(std::remove(out.begin(), out.end(), '\r'), out.end()); // the terminal's ONLCR
    return out;
}

} // namespace

TEST_CASE("status in every format reports each stream of the synced mirror") {
    SyncedMirror mirror;
    json::object account = mirror.sim().control().account();

    json::value status = mirror.ctlJson({"status"});
    CHECK_FALSE(status.at("version").as_string().empty());
    for (const model::RecordSchema* schema : model::allSchemas()) {
        INFO(schema->name);
        const json::value& stream = status.at("sync").at("streams").at(schema->name);
        CHECK(stream.at("live_records") == json::value(account.at(schema->table).as_array().size()));
        CHECK(stream.at("last_success_at").is_string());
    }

    RunResult table = mirror.ctl({"status", "--format", "table"});
    INFO(table.out << table.err);
    CHECK(table.exitCode == 0);
    CHECK(table.out.find("\nstream ") != std::string::npos);
    auto lines = linesOf(table.out);
    for (const char* label : {"version", "uptime", "database", "sync"})
        CHECK(std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.starts_with(label); }));
    for (const model::RecordSchema* schema : model::allSchemas()) {
        auto row = std::find_if(lines.begin(), lines.end(),
                                [&](const std::string& l) { return l.starts_with(std::string(schema->name) + " "); });
        REQUIRE(row != lines.end());
        auto cells = words(*row);
        CHECK(cells[cells.size() - 2] == std::to_string(account.at(schema->table).as_array().size()));
    }

    RunResult csv = mirror.ctl({"status", "--format", "csv"});
    CHECK(csv.exitCode == 0);
    auto rows = parseCsv(csv.out);
    REQUIRE(rows.size() == 4);
    auto column = std::find(rows[0].begin(), rows[0].end(), "live_records") - rows[0].begin();
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const model::RecordSchema* schema = model::allSchemas()[i - 1];
        CHECK(rows[i][0] == schema->name);
        CHECK(rows[i][static_cast<std::size_t>(column)] == std::to_string(account.at(schema->table).as_array().size()));
    }
}

TEST_CASE("each kind listed with all pages holds exactly the simulated account in every format") {
    SyncedMirror mirror;
    json::object account = mirror.sim().control().account();
    for (const model::RecordSchema* schema : model::allSchemas()) {
        INFO(schema->name);
        json::array expected = account.at(schema->table).as_array();

        json::value doc = mirror.ctlJson({std::string(schema->name), "--all", "--page-size", "7"});
        checkSameRecords(*schema, doc.at("data").as_array(), expected);
        CHECK(doc.at("meta").at("total_results") == json::value(expected.size()));

        RunResult csv = mirror.ctl({std::string(schema->name), "--all", "--format", "csv"});
        CHECK(csv.exitCode == 0);
        auto rows = parseCsv(csv.out);
        REQUIRE(rows.size() == expected.size() + 1);
        CHECK(rows[0] == fieldNames(*schema));
        for (std::size_t i = 1; i < rows.size(); ++i) {
            const Record& want = findById(expected, rows[i][0]);
            for (std::size_t c = 0; c < schema->fields.size(); ++c) {
                const json::value* v = want.if_contains(schema->fields[c].name);
                CHECK(rows[i][c] == (v == nullptr ? std::string() : ctl::cellText(*v)));
            }
        }

        RunResult table = mirror.ctl({std::string(schema->name), "--all", "--format", "table"});
        CHECK(table.exitCode == 0);
        auto lines = linesOf(table.out);
        REQUIRE(lines.size() == expected.size() + 4); // header, rule, rows, total, synced-at
        std::vector<std::string> defaults;
        for (const auto& f : schema->fields)
            if (f.inDefaultTable) defaults.emplace_back(f.name);
        CHECK(words(lines[0]) == defaults); // the wider views: ctl_usage_test.cpp
        CHECK(lines[lines.size() - 2].starts_with(std::to_string(expected.size()) + " results, all 1 page"));
        CHECK(lines.back().starts_with("mirror synced at 20"));
        std::set<std::string> shownIds;
        for (std::size_t i = 2; i < lines.size() - 2; ++i) shownIds.insert(words(lines[i])[0]);
        CHECK(shownIds == idSetOf(expected));
    }
}

TEST_CASE("filters show what the account holds for the same filter") {
    SyncedMirror mirror({"--rooms", "30", "--seed", "11"});
    json::object account = mirror.sim().control().account();
    json::array rooms = account.at("rooms").as_array();
    json::array sessions = account.at("room_sessions").as_array();
    json::array participants = account.at("room_participants").as_array();
    const auto& roomsSchema = model::roomsSchema();
    const auto& sessionsSchema = model::sessionsSchema();
    const auto& participantsSchema = model::participantsSchema();

    std::string name = stringOf(rooms[3].as_object(), "unique_name");
    checkFilter(mirror, account, roomsSchema, {"--unique-name", name},
                [&](const Record& r) { return stringOf(r, "unique_name") == name; });
    std::string created = middleDate(rooms, "created_at");
    checkFilter(mirror, account, roomsSchema, {"--created-since", created},
                [&](const Record& r) { return dateOf(r, "created_at") >= created; });
    checkFilter(mirror, account, roomsSchema, {"--created-until", created},
                [&](const Record& r) { return dateOf(r, "created_at") <= created; });
    checkFilter(mirror, account, roomsSchema, {"--created-on", created},
                [&](const Record& r) { return dateOf(r, "created_at") == created; });
    std::string updated = middleDate(rooms, "updated_at");
    checkFilter(
        mirror, account, roomsSchema, {"--updated-since", updated, "--created-until", updated},
        [&](const Record& r) { return dateOf(r, "updated_at") >= updated && dateOf(r, "created_at") <= updated; });

    std::string roomId = stringOf(sessions[0].as_object(), "room_id");
    checkFilter(mirror, account, sessionsSchema, {"--room-id", roomId},
                [&](const Record& r) { return stringOf(r, "room_id") == roomId; });
    checkFilter(mirror, account, sessionsSchema, {"--active", "false"},
                [&](const Record& r) { return r.at("active") == json::value(false); });
    checkFilter(mirror, account, sessionsSchema, {"--active", "true"},
                [&](const Record& r) { return r.at("active") == json::value(true); });
    std::string ended = middleDate(sessions, "ended_at");
    checkFilter(mirror, account, sessionsSchema, {"--ended-since", ended},
                [&](const Record& r) { return !dateOf(r, "ended_at").empty() && dateOf(r, "ended_at") >= ended; });
    checkFilter(mirror, account, sessionsSchema, {"--ended-on", ended},
                [&](const Record& r) { return dateOf(r, "ended_at") == ended; });
    std::string sessionUpdated = middleDate(sessions, "updated_at");
    checkFilter(mirror, account, sessionsSchema, {"--updated-until", sessionUpdated},
                [&](const Record& r) { return dateOf(r, "updated_at") <= sessionUpdated; });

    std::string sessionId = stringOf(participants[0].as_object(), "session_id");
    checkFilter(mirror, account, participantsSchema, {"--session-id", sessionId},
                [&](const Record& r) { return stringOf(r, "session_id") == sessionId; });
    // Contexts with non-ASCII text, quotes and JSON inside must survive the query string.
    std::set<std::string> contexts;
    for (const auto& p : participants) contexts.insert(stringOf(p.as_object(), "context"));
    for (const std::string context : {"\xE7\x94\xB0\xE4\xB8\xAD", "Dr. \"Q\" O'Neil", "{\"role\":\"host\"}",
                                      "Jos\xC3\xA9 Mar\xC3\xAD"
                                      "a"}) {
        if (!contexts.contains(context)) continue;
        checkFilter(mirror, account, participantsSchema, {"--context", context},
                    [&](const Record& r) { return stringOf(r, "context") == context; });
    }
    std::string joined = middleDate(participants, "joined_at");
    checkFilter(mirror, account, participantsSchema, {"--joined-on", joined},
                [&](const Record& r) { return dateOf(r, "joined_at") == joined; });
    std::string left = middleDate(participants, "left_at");
    checkFilter(mirror, account, participantsSchema, {"--left-until", left},
                [&](const Record& r) { return !dateOf(r, "left_at").empty() && dateOf(r, "left_at") <= left; });
    checkFilter(mirror, account, participantsSchema, {"--updated-since", joined},
                [&](const Record& r) { return dateOf(r, "updated_at") >= joined; });
}

TEST_CASE("one page of a list in each format with its page footer") {
    SyncedMirror mirror; // 20 rooms
    json::object account = mirror.sim().control().account();
    json::value page = mirror.ctlJson({"rooms", "--page", "2", "--page-size", "7"});
    CHECK(page.at("meta").at("page_number") == 2);
    CHECK(page.at("meta").at("page_size") == 7);
    CHECK(page.at("meta").at("total_pages") == 3);
    CHECK(page.at("meta").at("total_results") == 20);
    REQUIRE(page.at("data").as_array().size() == 7);
    std::set<std::string> all = idSetOf(account.at("rooms").as_array());
    for (const auto& id : idSetOf(page.at("data").as_array())) CHECK(all.contains(id));

    RunResult table = mirror.ctl({"rooms", "--page", "2", "--page-size", "7", "--format", "table"});
    CHECK(table.exitCode == 0);
    auto lines = linesOf(table.out);
    REQUIRE(lines.size() == 2 + 7 + 2);
    CHECK(lines[9] == "page 2 of 3, 20 results");
    CHECK(lines[10].starts_with("mirror synced at "));
    std::set<std::string> tableIds;
    for (std::size_t i = 2; i < 9; ++i) tableIds.insert(words(lines[i])[0]);
    CHECK(tableIds == idSetOf(page.at("data").as_array())); // the same page as JSON's

    RunResult csv = mirror.ctl({"rooms", "--page", "3", "--page-size", "7", "--format", "csv"});
    CHECK(csv.exitCode == 0);
    CHECK(parseCsv(csv.out).size() == 1 + 6);

    RunResult past = mirror.ctl({"rooms", "--page", "9", "--page-size", "7", "--format", "table"});
    CHECK(past.exitCode == 0);
    CHECK(past.out.find("page 9 of 3, 20 results (past the last page)") != std::string::npos);
}

TEST_CASE("nested sessions and participants: the whole arrays in JSON and a count in CSV") {
    SyncedMirror mirror;
    json::object account = mirror.sim().control().account();
    json::value rooms = mirror.ctlJson({"rooms", "--include-sessions", "--all"});
    for (const auto& room : rooms.at("data").as_array()) {
        std::string id(room.at("id").as_string());
        CHECK(room.at("sessions").as_array().size() == countWithParent(account, model::sessionsSchema(), id));
    }
    // A table lists them under their room: see ctl_usage_test.cpp.
    RunResult csv = mirror.ctl({"sessions", "--include-participants", "--all", "--format", "csv"});
    auto rows = parseCsv(csv.out);
    REQUIRE(rows.size() == account.at("room_sessions").as_array().size() + 1);
    CHECK(rows[0].back() == "participants");
    for (std::size_t i = 1; i < rows.size(); ++i)
        CHECK(rows[i].back() == std::to_string(countWithParent(account, model::participantsSchema(), rows[i][0])));
}

TEST_CASE("get each kind by id in every format and an unknown id exits 1") {
    SyncedMirror mirror;
    json::object account = mirror.sim().control().account();
    for (const model::RecordSchema* schema : model::allSchemas()) {
        INFO(schema->name);
        const Record& want = account.at(schema->table).as_array()[1].as_object();
        std::string id(want.at("id").as_string());

        json::value doc = mirror.ctlJson({"get", std::string(schema->name), id});
        checkSameRecords(*schema, json::array{doc.at("data")}, json::array{want});

        RunResult table = mirror.ctl({"get", std::string(schema->name), id, "--format", "table"});
        CHECK(table.exitCode == 0);
        auto lines = linesOf(table.out);
        CHECK(words(lines[0]) == std::vector<std::string>{"field", "value"});
        CHECK(words(lines[2]) == std::vector<std::string>{"id", id});
        CHECK(lines.back().starts_with("mirror synced at "));

        RunResult csv = mirror.ctl({"get", std::string(schema->name), id, "--format", "csv"});
        CHECK(csv.exitCode == 0);
        auto rows = parseCsv(csv.out);
        REQUIRE(rows.size() == 2);
        CHECK(rows[0] == fieldNames(*schema));
        CHECK(rows[1][0] == id);

        for (const char* format : {"json", "table", "csv"}) {
            RunResult missing = mirror.ctl({"get", std::string(schema->name), "no-such-id", "--format", format});
            INFO(format << ": " << missing.err);
            CHECK(missing.exitCode == 1);
            CHECK(missing.out.empty());
            CHECK(missing.err.starts_with("roomsctl: "));
            CHECK(missing.err.size() > std::string("roomsctl: \n").size());
        }
    }

    // A session with its participants listed under it.
    const json::array& sessions = account.at("room_sessions").as_array();
    auto withParticipants = std::find_if(sessions.begin(), sessions.end(), [&](const json::value& s) {
        return countWithParent(account, model::participantsSchema(), std::string(s.at("id").as_string())) > 0;
    });
    REQUIRE(withParticipants != sessions.end());
    std::string sessionId(withParticipants->at("id").as_string());
    std::size_t count = countWithParent(account, model::participantsSchema(), sessionId);
    RunResult nested = mirror.ctl({"get", "sessions", sessionId, "--include-participants", "--format", "table"});
    CHECK(nested.exitCode == 0);
    CHECK(nested.out.find("participants  " + std::to_string(count) + "\n") != std::string::npos);
    CHECK(nested.out.find("\nparticipants:\nid ") != std::string::npos);
}

TEST_CASE("sql in every format with parameters while writes and bad SQL exit 1") {
    SyncedMirror mirror;
    json::object account = mirror.sim().control().account();
    std::string rooms = std::to_string(account.at("rooms").as_array().size());

    json::value answer = mirror.ctlJson({"sql", "SELECT count(*) AS n FROM rooms WHERE deleted_at IS NULL"});
    CHECK(answer.at("columns") == json::array{"n"});
    CHECK(answer.at("rows").at(0).at(0) == json::value(account.at("rooms").as_array().size()));

    RunResult table =
        mirror.ctl({"sql", "SELECT count(*) AS n FROM rooms WHERE deleted_at IS NULL", "--format", "table"});
    CHECK(table.exitCode == 0);
    // A numeric column is right-aligned, its header too.
    CHECK(table.out ==
          std::string(rooms.size() - 1, ' ') + "n\n" + std::string(rooms.size(), '-') + "\n" + rooms + "\n(1 row)\n");

    RunResult csv = mirror.ctl({"sql", "SELECT id, unique_name FROM rooms ORDER BY id", "--format", "csv"});
    CHECK(csv.exitCode == 0);
    auto rows = parseCsv(csv.out);
    REQUIRE(rows.size() == account.at("rooms").as_array().size() + 1);
    CHECK(rows[0] == std::vector<std::string>{"id", "unique_name"});
    for (std::size_t i = 1; i < rows.size(); ++i)
        CHECK(rows[i][1] == stringOf(findById(account.at("rooms").as_array(), rows[i][0]), "unique_name"));

    std::string roomId(account.at("room_sessions").as_array()[0].at("room_id").as_string());
    json::value counted = mirror.ctlJson({"sql",
                                          "SELECT count(*) FROM room_sessions WHERE room_id = ? AND deleted_at IS NULL "
                                          "AND ? = 7",
                                          "--param", roomId, "--param", "7"});
    CHECK(counted.at("rows").at(0).at(0) == json::value(countWithParent(account, model::sessionsSchema(), roomId)));

    for (const std::string statement :
         {"DELETE FROM rooms", "UPDATE rooms SET unique_name = 'x'", "SELEKT 1", "SELECT * FROM no_such_table"}) {
        for (const char* format : {"json", "table", "csv"}) {
            RunResult refused = mirror.ctl({"sql", statement, "--format", format});
            INFO(statement << " (" << format << "): " << refused.err);
            CHECK(refused.exitCode == 1);
            CHECK(refused.out.empty());
            CHECK(refused.err.starts_with("roomsctl: "));
        }
    }
    CHECK(mirror.ctlJson({"sql", "SELECT count(*) FROM rooms"}).at("rows").at(0).at(0) ==
          json::value(account.at("rooms").as_array().size()));
}

TEST_CASE("sync starts a pass and asking again while it runs exits 1") {
    SyncedMirror mirror;
    // Hold the next pass's first rooms request, so the pass is still running when asked again.
    mirror.sim().control().addFaults(
        json::array{json::object{{"path", "/v2/rooms"}, {"kind", "delay"}, {"delay_ms", 4000}}});
    RunResult started = mirror.ctl({"sync", "--format", "table"});
    INFO(started.err);
    CHECK(started.exitCode == 0);
    CHECK(started.out == "sync started\n");

    RunResult again = mirror.ctl({"sync", "--format", "json"});
    CHECK(again.exitCode == 1);
    CHECK(again.out.empty());
    CHECK(again.err.find("already running") != std::string::npos);
    CHECK(mirror.ctlJson({"status"}).at("sync").at("running") == json::value(true));

    CHECK(eventually([&] { return mirror.ctlJson({"status"}).at("sync").at("running") == json::value(false); },
                     std::chrono::seconds(30)));
    RunResult json = mirror.ctl({"sync", "--format", "json"});
    CHECK(json.exitCode == 0);
    CHECK(json::parse(json.out).at("status") == "started");
}

TEST_CASE("a context with a newline and escape sequences is escaped in a table and intact in CSV and JSON") {
    const std::string hostile = "Mallory\n\x1b[2J\x1b]0;owned\x07 \xE2\x80\xAE"
                                "evil, \"quoted\"\tend";
    std::string participantId;
    std::string sessionId;
    SyncedMirror mirror({"--rooms", "20", "--seed", "7"}, [&](SimProcess& sim) {
        json::object first = sim.control().account().at("room_participants").as_array()[0].as_object();
        participantId = std::string(first.at("id").as_string());
        sessionId = std::string(first.at("session_id").as_string());
        sim.control().mutate(json::object{{"op", "update"},
                                          {"stream", "room_participants"},
                                          {"id", participantId},
                                          {"set", json::object{{"context", hostile}}}});
    });

    RunResult table = mirror.ctl({"participants", "--session-id", sessionId, "--all", "--format", "table"});
    CHECK(table.exitCode == 0);
    CHECK(table.out.find('\x1b') == std::string::npos);
    CHECK(table.out.find('\x07') == std::string::npos);
    CHECK(table.out.find("\xE2\x80\xAE") == std::string::npos);
    CHECK(table.out.find("Mallory\\n\\x1B[2J\\x1B]0;owned\\x07 \\u{202E}evil, \"quoted\"\\tend") != std::string::npos);
    json::array expected = recordsOf(mirror.sim().control().account(), model::participantsSchema(),
                                     [&](const Record& r) { return stringOf(r, "session_id") == sessionId; });
    CHECK(linesOf(table.out).size() == expected.size() + 4); // the newline did not add a line

    RunResult csv = mirror.ctl({"get", "participants", participantId, "--format", "csv"});
    auto rows = parseCsv(csv.out);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1][2] == hostile);

    json::value doc = mirror.ctlJson({"get", "participants", participantId});
    CHECK(doc.at("data").at("context") == json::value(hostile));

    RunResult filtered = mirror.ctl({"participants", "--context", hostile, "--format", "csv"});
    CHECK(filtered.exitCode == 0);
    CHECK(parseCsv(filtered.out).size() == 2);
}

TEST_CASE("the format is a table on a terminal and JSON otherwise") {
    SyncedMirror mirror;
    std::string onTerminal = runOnTerminal({"--socket", mirror.socket().string(), "rooms", "--page-size", "3"});
    INFO(onTerminal);
    CHECK(onTerminal.starts_with("id "));
    CHECK(onTerminal.find("page 1 of 7, 20 results\n") != std::string::npos);

    RunResult piped = mirror.ctl({"rooms", "--page-size", "3"});
    CHECK(piped.exitCode == 0);
    json::error_code ec;
    json::value doc = json::parse(piped.out, ec);
    CHECK_FALSE(ec);
    CHECK(doc.at("data").as_array().size() == 3);
    // --format wins over the terminal.
    std::string forced = runOnTerminal({"--socket", mirror.socket().string(), "status", "--format", "json"});
    CHECK(json::parse(forced).at("sync").is_object());
}
