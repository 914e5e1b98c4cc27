// roomsctl report and GET /reports as a user meets them: exit codes and one-line
// errors, --output written whole or not at all, --db on files that are not mirrors,
// the content types and downloads of the daemon, and user reports from reports.dir.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include <filesystem>

#include "common/time.hpp"
#include "integration/ctl/ctl_fixture.hpp"

using namespace roomsd::test;
namespace fs = std::filesystem;

namespace {

// A daemon whose reports.dir holds one good and one broken user report.
struct ReportDaemon {
    TempDir reports;
    SimProcess sim{{"--rooms", "12", "--seed", "3"}};
    std::unique_ptr<RoomsdDaemon> daemon;

    ReportDaemon() {
        writeFile(reports / "rooms-per-name.sql",
                  "-- title: Rooms <per> name\n-- chart: bar unique_name n\nSELECT unique_name, count(*) AS n\n"
                  "  FROM report_rooms GROUP BY unique_name ORDER BY 1\n");
        writeFile(reports / "broken.sql", "-- title: Broken\n-- param: n integer\nSELECT 1\n");
        DaemonOptions options;
        options.yaml = {{"reports", "dir: " + reports.path().string()}};
        daemon = std::make_unique<RoomsdDaemon>(sim, options);
    }
    RunResult ctl(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--socket", daemon->socket().string()});
        return runRoomsctl(args);
    }
};

} // namespace

TEST_CASE("roomsctl report: bad input is one line on stderr and a non-zero exit, in both modes") {
    ReportDaemon d;
    std::string db = d.daemon->database().string();
    struct Case {
        std::vector<std::string> args;
        int exit;
        std::string line;
    };
    std::vector<Case> cases = {
        {{"report", "nope"}, 1, "roomsctl: no report named \"nope\" (known: "},
        {{"report", "usage-by-day", "--from", "2026-02-30"},
         2,
         "roomsctl: --from: expected a date YYYY-MM-DD, got \"2026-02-30\"\n"},
        {{"report", "usage-by-day", "--from", "2026-05-02", "--to", "2026-05-01"},
         2,
         "roomsctl: --from 2026-05-02 is after --to 2026-05-01\n"},
        {{"report", "top-rooms", "--param", "hours=3"},
         1,
         "roomsctl: the report top-rooms has no parameter \"hours\" (it takes limit)\n"},
        {{"report", "top-rooms", "--param", "limit=x"}, 1, "roomsctl: --param limit: expected an integer, got \"x\"\n"},
        {{"report", "top-rooms", "--param", "limit"}, 2, "roomsctl: --param: expected NAME=VALUE, got \"limit\"\n"},
        {{"report", "all", "--format", "csv"}, 2, "roomsctl: report all has several tables"},
        {{"report", "usage-by-day", "--room", "no-such-room"}, 1, "roomsctl: the mirror has no room no-such-room\n"},
        {{"report", "usage-by-day", "--format", "pdf"}, 2, ""},
    };
    for (const Case& c : cases) {
        for (bool viaFile : {false, true}) {
            std::vector<std::string> args = c.args;
            if (viaFile) args.insert(args.end(), {"--db", db});
            RunResult r = viaFile ? runRoomsctl(args) : d.ctl(args);
            INFO((viaFile ? "--db " : "socket ") << args[1] << "\nstderr: " << r.err);
            CHECK(r.exitCode == c.exit);
            CHECK(r.out.empty());
            CHECK(r.err.starts_with(c.line));
            if (c.exit == 1) CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
        }
    }
    RunResult unreachable = runRoomsctl({"--socket", (d.reports / "none.sock").string(), "report", "usage-by-day"});
    CHECK(unreachable.exitCode == 3);
    CHECK(unreachable.err.starts_with("roomsctl: cannot reach roomsd at "));
}

TEST_CASE("the output file is written whole or not at all") {
    ReportDaemon d;
    TempDir out;
    RunResult ok = d.ctl({"report", "all", "--format", "html", "--output", (out / "month.html").string()});
    CHECK(ok.exitCode == 0);
    CHECK(ok.out.empty());
    std::string page = readFile(out / "month.html");
    CHECK(page.starts_with("<!DOCTYPE html>"));
    CHECK(page.ends_with("</html>\n"));

    // A failing report leaves the earlier file as it was, and no temporary file behind.
    RunResult bad = d.ctl({"report", "top-rooms", "--param", "limit=-1", "--output", (out / "month.html").string()});
    CHECK(bad.exitCode == 1);
    CHECK(readFile(out / "month.html") == page);
    RunResult missingDir = runRoomsctl({"report", "top-rooms", "--db", d.daemon->database().string(), "--output",
                                        (out / "no" / "such" / "dir.csv").string(), "--format", "csv"});
    CHECK(missingDir.exitCode == 1);
    CHECK(missingDir.err.starts_with("roomsctl: --output " + (out / "no" / "such" / "dir.csv").string()));
    CHECK(std::distance(fs::directory_iterator(out.path()), fs::directory_iterator()) == 1);
}

TEST_CASE("a database file is opened read-only and refuses one that is not a roomsd mirror") {
    ReportDaemon d;
    TempDir dir;
    writeFile(dir / "notes.txt", "not a database at all, just some text that is long enough to have a header...");
    {
        SQLite::Database other((dir / "other.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        other.exec("CREATE TABLE t (x)");
    }
    auto refused = [&](const fs::path& path, const std::string& why) {
        RunResult r = runRoomsctl({"report", "usage-by-day", "--db", path.string()});
        INFO(r.err);
        CHECK(r.exitCode == 1);
        CHECK(r.err == "roomsctl: --db " + path.string() + why + "\n");
    };
    refused(dir / "notes.txt", " is not a roomsd mirror (not an SQLite database)");
    refused(dir / "other.db", " is not a roomsd mirror (it lacks roomsd's tables; a copy of a live mirror needs its "
                              "-wal file too, or take it with sqlite3's .backup)");
    refused(dir / "missing.db", ": no such database file");

    // A backup taken while the daemon runs (VACUUM INTO, as `sqlite3 .backup` would): read, never written.
    {
        SQLite::Database live(d.daemon->database().string(), SQLite::OPEN_READONLY);
        live.exec("VACUUM INTO '" + (dir / "copy.db").string() + "'");
    }
    auto before = fs::last_write_time(dir / "copy.db");
    std::string today = roomsd::formatDate(roomsd::dateOf(roomsd::nowUtc()));
    RunResult r =
        runRoomsctl({"report", "sync-health", "--db", (dir / "copy.db").string(), "--from", today, "--format", "csv"});
    INFO(r.err);
    CHECK(r.exitCode == 0);
    CHECK(r.out.starts_with("stream,passes,ok,held,failed,cancelled,requests,retries,errors,last_success_at,"
                            "lag_minutes\r\nrooms,1,1,"));
    CHECK(fs::last_write_time(dir / "copy.db") == before);
}

TEST_CASE("GET /reports lists built-in and user reports and the broken files, and a report is served as a page or "
          "a download") {
    ReportDaemon d;
    HttpResponse list = d.daemon->get("/reports");
    CHECK(list.status == 200);
    auto catalog = boost::json::parse(list.body).as_object();
    CHECK(catalog.at("reports").as_array().size() == 9);
    REQUIRE(catalog.at("problems").as_array().size() == 1);
    CHECK(std::string(catalog.at("problems").at(0).as_string()) ==
          (d.reports / "broken.sql").string() + ":2: param: n: give a default value (or none) after the type");

    HttpResponse page = d.daemon->get("/reports/rooms-per-name?from=2026-05-01&to=2026-05-31");
    CHECK(page.status == 200);
    CHECK(page.header("content-type") == "text/html; charset=utf-8");
    CHECK(page.header("content-disposition") == "inline; filename=\"rooms-per-name_2026-05-01_2026-05-31.html\"");
    CHECK(page.body.find("<h1>Rooms &lt;per&gt; name</h1>") != std::string::npos);

    HttpResponse csv = d.daemon->get("/reports/usage-by-day?from=2026-05-01&to=2026-05-02&format=csv");
    CHECK(csv.status == 200);
    CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
    CHECK(csv.header("content-disposition") == "attachment; filename=\"usage-by-day_2026-05-01_2026-05-02.csv\"");

    CHECK(d.daemon->get("/reports/nope").status == 404);
    CHECK(d.daemon->get("/reports/usage-by-day?from=May").status == 400);
    CHECK(d.daemon->get("/reports/usage-by-day?format=pdf").status == 400);
    CHECK(d.daemon->get("/reports/stale-active-sessions?hours=0").status == 400);
    HttpResponse post = d.daemon->post("/reports", "");
    CHECK(post.status == 405);
}
