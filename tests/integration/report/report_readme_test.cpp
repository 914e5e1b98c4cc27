// The README's "Reports" section run as written against a mirror of telnyx-sim: every
// roomsctl line (ROOM_ID and the database path replaced by real ones, files written to a
// temporary folder), every curl line (its path asked of the daemon), and the example
// user report (the one bare ``` block of the section), which must load and run.
#include <catch2/catch.hpp>

#include "integration/ctl/ctl_fixture.hpp"

using namespace roomsd::test;
namespace json = boost::json;

TEST_CASE("every command of the README's Reports section works against a mirror") {
    TempDir reports, files;
    std::vector<std::string> sql = readmeShellBlock("## Reports", "");
    std::string text;
    for (const std::string& line : sql) text += line + "\n";
    writeFile(reports / "minutes-per-context.sql", text);

    SimProcess sim;
    DaemonOptions options;
    options.yaml = {{"reports", "dir: " + reports.path().string()}};
    RoomsdDaemon daemon(sim, options);
    auto ctl = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--socket", daemon.socket().string()});
        return runRoomsctl(args);
    };
    RunResult rooms = ctl({"rooms", "--page-size", "1", "--format", "json"});
    REQUIRE(rooms.exitCode == 0);
    std::string roomId(json::parse(rooms.out).at("data").at(0).at("id").as_string());

    std::vector<std::string> examples = readmeShellBlock("## Reports", "sh", 0);
    REQUIRE(examples.size() >= 10);
    for (const std::string& line : examples) {
        std::vector<std::string> args = shellWords(line);
        REQUIRE(args.size() >= 2);
        CHECK(args.front() == "roomsctl");
        args.erase(args.begin());
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (args[i] == "ROOM_ID") args[i] = roomId;
            if (args[i] == "/var/lib/roomsd/roomsd.db") args[i] = daemon.database().string();
            if (i > 0 && args[i - 1] == "--output") args[i] = (files / args[i]).string();
        }
        RunResult r = ctl(args);
        INFO(line << "\nstderr: " << r.err);
        CHECK(r.exitCode == 0);
        CHECK(r.err.empty());
        bool toFile = std::find(args.begin(), args.end(), "--output") != args.end();
        CHECK((toFile ? readFile(files / args.back()) : r.out).size() > 0);
    }

    std::vector<std::string> curls = readmeShellBlock("## Reports", "sh", 1);
    REQUIRE(curls.size() == 3);
    for (const std::string& line : curls) {
        std::vector<std::string> words = shellWords(line);
        std::string url = words.back();
        std::string path = url.substr(url.find('/', std::string("http://").size()));
        HttpResponse r = daemon.get(path);
        INFO(line);
        CHECK(r.status == 200);
    }

    RunResult own = ctl({"report", "minutes-per-context", "--from", "2026-05-01", "--to", "2026-05-31", "--param",
                         "min_minutes=1", "--format", "csv"});
    INFO(own.err);
    CHECK(own.exitCode == 0);
    CHECK(own.out.starts_with("context,minutes\r\n"));
    CHECK(std::count(own.out.begin(), own.out.end(), '\n') > 3);
}
