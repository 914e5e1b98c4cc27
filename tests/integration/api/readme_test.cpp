// The README is the front door: its example queries must run against a real mirror,
// and the columns it documents must be the mirror's. A drift between the two is a bug.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <regex>
#include <set>
#include <sstream>

#include "support/daemon.hpp"
#include "support/process.hpp"
#include "support/readme.hpp"

using namespace roomsd::test;
namespace json = boost::json;

namespace {

// The text of the README section that starts with `heading`, up to the next "## ".
std::string section(const std::string& text, const std::string& heading) {
    std::size_t start = text.find("\n" + heading + "\n");
    REQUIRE(start != std::string::npos);
    std::size_t end = text.find("\n## ", start + 1);
    return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The names in a comma-separated list of `backquoted` names.
std::vector<std::string> namesIn(const std::string& list) {
    std::vector<std::string> names;
    std::regex name("`([a-z_]+)`");
    for (std::sregex_iterator it(list.begin(), list.end(), name), end; it != end; ++it) names.push_back((*it)[1]);
    return names;
}

std::vector<std::string> columnsOf(const RoomsdDaemon& daemon, const std::string& table) {
    SQLite::Database db(daemon.database().string(), SQLite::OPEN_READONLY);
    SQLite::Statement info(db, "SELECT name FROM pragma_table_info(?)");
    info.bind(1, table);
    std::vector<std::string> columns;
    while (info.executeStep()) columns.push_back(info.getColumn(0).getString());
    return columns;
}

json::value postSql(const RoomsdDaemon& daemon, const std::string& body, std::vector<std::string> headers = {}) {
    HttpResponse r = daemon.post("/sql", body, std::move(headers));
    INFO(body << "\n-> " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
    return json::parse(r.body);
}

} // namespace

TEST_CASE("every SQL example in the README runs against a mirror") {
    const std::string text = readme();
    SimProcess sim;
    RoomsdDaemon daemon(sim);

    std::vector<std::string> statements = sqlBlockStatements(text);
    REQUIRE(statements.size() >= 5);
    for (const std::string& sql : statements) {
        json::value answer = postSql(daemon, sql);
        CHECK_FALSE(answer.at("columns").as_array().empty());
    }

    // roomsctl sql "..." [--param VALUE]: the same request roomsctl sends.
    std::regex ctlSql(R"re(roomsctl (?:--[a-z]+ \S+ )*sql "([^"]+)"(?: --param (\S+))?)re");
    int ctlExamples = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), ctlSql), end; it != end; ++it, ++ctlExamples) {
        std::string sql = (*it)[1];
        if ((*it)[2].matched) {
            json::object body{{"sql", sql}, {"params", json::array{json::string((*it)[2].str())}}};
            postSql(daemon, json::serialize(body), {"Content-Type: application/json"});
        } else {
            postSql(daemon, sql);
        }
    }
    CHECK(ctlExamples >= 4);

    // curl ... /sql --data '...': plain SQL, or JSON with ROOM_ID standing for a real id.
    std::string roomId =
        std::string(postSql(daemon, "SELECT room_id FROM session_stats LIMIT 1").at("rows").at(0).at(0).as_string());
    std::regex curlSql(R"(http://localhost/sql(?:[^\n]*\\\n)*[^\n]*--data '([^']+)')");
    int curlExamples = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), curlSql), end; it != end; ++it, ++curlExamples) {
        std::string body = std::regex_replace((*it)[1].str(), std::regex("ROOM_ID"), roomId);
        if (body.front() == '{') {
            json::value answer = postSql(daemon, body, {"Content-Type: application/json"});
            CHECK_FALSE(answer.at("rows").as_array().empty());
        } else {
            postSql(daemon, body);
        }
    }
    CHECK(curlExamples >= 2);
}

TEST_CASE("the tables and views the README documents have exactly the mirror's columns") {
    const std::string text = section(readme(), "## Tables and views");
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    const std::vector<std::string> own{"upstream_json", "synced_at", "deleted_at"};

    for (const char* table : {"rooms", "room_sessions", "room_participants"}) {
        // "`rooms`: `id`, `unique_name`, ...; `room_sessions`: ..." in the paragraph on the record tables.
        std::smatch listed;
        REQUIRE(std::regex_search(text, listed, std::regex("`" + std::string(table) + "`: ([^;)]+)")));
        std::vector<std::string> expected = namesIn(listed[1]);
        expected.insert(expected.end(), own.begin(), own.end());
        INFO(table);
        std::vector<std::string> actual = columnsOf(daemon, table);
        CHECK(std::multiset<std::string>(expected.begin(), expected.end()) ==
              std::multiset<std::string>(actual.begin(), actual.end()));
    }

    int views = 0;
    std::regex viewRow(R"(\n\| `([a-z_]+)` \| [^|]+ \| ([^\n]+) \|)");
    for (std::sregex_iterator it(text.begin(), text.end(), viewRow), end; it != end; ++it, ++views) {
        std::string view = (*it)[1];
        INFO(view);
        std::vector<std::string> documented = namesIn((*it)[2]);
        json::value answer = postSql(daemon, "SELECT * FROM " + view + " LIMIT 0");
        std::vector<std::string> actual;
        for (const json::value& c : answer.at("columns").as_array()) actual.emplace_back(c.as_string());
        CHECK(documented == actual);
    }
    CHECK(views == 3);

    // sync_state and sync_runs: every column the README names exists.
    for (const char* table : {"sync_state", "sync_runs"}) {
        std::smatch paragraph;
        REQUIRE(std::regex_search(text, paragraph,
                                  std::regex(R"(\*\*`)" + std::string(table) + R"(`\*\*:([^*]+?)(\*\*|\n\n))")));
        std::vector<std::string> columns = columnsOf(daemon, table);
        std::vector<std::string> named = namesIn(paragraph[1]);
        REQUIRE(named.size() >= 3);
        for (const std::string& name : named) {
            INFO(table << "." << name);
            CHECK(std::find(columns.begin(), columns.end(), name) != columns.end());
        }
    }
}

TEST_CASE("the README's change feed examples answer against a daemon, pasted as they are") {
    SimProcess sim;
    RoomsdDaemon daemon(sim);
    std::string text = section(readme(), "## Change feed");
    CHECK(text.find("**What one pass emits.**") != std::string::npos);
    std::regex block("```sh\\n([\\s\\S]*?)```");
    std::smatch match;
    REQUIRE(std::regex_search(text, match, block));
    std::istringstream lines(match[1].str());
    int examples = 0;
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("curl ")) continue;
        ++examples;
        // scripts/demo's socket, from the clone; this daemon's instead.
        std::string command =
            std::regex_replace(line, std::regex("build/demo/roomsd\\.sock"), daemon.socket().string());
        RunResult r = run({"/bin/sh", "-c", command}, {}, std::chrono::seconds(20));
        INFO(line << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.exitCode == 0);
        if (line.find("-X DELETE") == std::string::npos) CHECK(r.out.find_first_not_of(" \t\n") != std::string::npos);
        CHECK(r.out.find("\"errors\"") == std::string::npos);
    }
    CHECK(examples >= 6);
    // The consumer the examples registered is gone again.
    CHECK(daemon.get("/changes/consumers").body == R"({"data":[]})");
}
