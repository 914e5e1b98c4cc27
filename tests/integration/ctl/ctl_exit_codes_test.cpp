// roomsctl's exit statuses for usage errors (2) and an unreachable daemon (3), and the
// bytes it puts on the socket, with the real binary against a stand-in daemon.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl_fixture.hpp"

using namespace roomsd::test;
namespace json = boost::json;

namespace {

const char* kStartHint = "Is it running? Start it with `systemctl start roomsd`, or `roomsd --config FILE`; use "
                         "--socket if it listens elsewhere.";

std::string okAnswer(const std::string& body, const std::string& contentType = "application/json") {
    return "HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nRoomsd-Synced-At: 2026-06-01T12:00:00Z\r\nConnection: close\r\n\r\n" + body;
}

} // namespace

TEST_CASE("bad flags and values exit 2 before any connection is made") {
    TempDir dir;
    FakeDaemon daemon(dir / "roomsd.sock", FakeDaemon::Behaviour::Answer, okAnswer("{}"));
    const std::vector<std::vector<std::string>> usages{
        {},                                                   // no command
        {"frobnicate"},                                       // unknown command
        {"rooms", "--no-such-flag"},                          // unknown flag
        {"rooms", "--created-since", "2026-13-01"},           // not a date
        {"rooms", "--updated-on", "May 1"},                   // not YYYY-MM-DD
        {"sessions", "--ended-until", "2026-02-30"},          // no such day
        {"participants", "--joined-on", "2026-05-01T10:00Z"}, // a time, not a date
        {"rooms", "--page", "0"},                             // pages start at 1
        {"rooms", "--page", "two"},                           //
        {"rooms", "--page-size", "0"},                        // 1..250
        {"rooms", "--page-size", "251"},                      //
        {"rooms", "--all", "--page", "2"},                    // --all reads every page
        {"sessions", "--active", "yes"},                      // true or false
        {"rooms", "--room-id", "r1"},                         // a sessions filter
        {"participants", "--include-participants"},           // participants embed nothing
        {"--format", "yaml", "status"},                       // unknown format
        {"--timeout", "0", "status"},                         //
        {"get", "rooms"},                                     // no id
        {"get", "calls", "x"},                                // unknown kind
        {"get", "sessions", "s1", "--include-sessions"},      // sessions have participants
        {"get", "rooms", ""},                                 // empty id
        {"sql"},                                              // no statement
        {"sql", "   "},                                       // empty statement
        {"--socket", "/" + std::string(150, 's'), "status"},  // longer than sun_path
        {"--socket", "", "status"},                           //
    };
    for (const auto& args : usages) {
        std::vector<std::string> all{"--socket", (dir / "roomsd.sock").string()};
        all.insert(all.end(), args.begin(), args.end());
        RunResult r = runRoomsctl(all);
        std::string shown;
        for (const auto& a : args) shown += "'" + a + "' ";
        INFO("roomsctl " << shown << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.exitCode == 2);
        CHECK_FALSE(r.err.empty());
        CHECK(r.out.empty());
    }
    CHECK(daemon.connections() == 0);
}

TEST_CASE("help and version exit 0 and say how to use roomsctl") {
    RunResult help = runRoomsctl({"--help"});
    CHECK(help.exitCode == 0);
    for (const char* word : {"status", "rooms", "sessions", "participants", "get", "sql", "sync", "--format",
                             "--socket", "--timeout", "Exit status", "escaped"})
        CHECK(help.out.find(word) != std::string::npos);
    RunResult rooms = runRoomsctl({"rooms", "--help"});
    CHECK(rooms.exitCode == 0);
    for (const char* flag :
         {"--unique-name", "--created-on", "--created-since", "--created-until", "--updated-on", "--updated-since",
          "--updated-until", "--include-sessions", "--page", "--page-size", "--all"})
        CHECK(rooms.out.find(flag) != std::string::npos);
    RunResult version = runRoomsctl({"--version"});
    CHECK(version.exitCode == 0);
    CHECK(version.out.starts_with("roomsctl "));
}

TEST_CASE("no daemon at the socket path: exit 3 and how to start it") {
    TempDir dir;
    std::string path = (dir / "absent.sock").string();
    for (const auto& command : std::vector<std::vector<std::string>>{{"status"},
                                                                     {"rooms"},
                                                                     {"sessions", "--all"},
                                                                     {"participants", "--format", "csv"},
                                                                     {"get", "rooms", "r1"},
                                                                     {"sql", "SELECT 1"},
                                                                     {"sync"}}) {
        std::vector<std::string> args{"--socket", path};
        args.insert(args.end(), command.begin(), command.end());
        RunResult r = runRoomsctl(args);
        INFO(command.front() << ": " << r.err);
        CHECK(r.exitCode == 3);
        CHECK(r.out.empty());
        CHECK(r.err.starts_with("roomsctl: cannot reach roomsd at " + path + ": "));
        CHECK(r.err.find(kStartHint) != std::string::npos);
    }
}

TEST_CASE("a stale socket file nobody listens on: exit 3 with connection refused") {
    TempDir dir;
    std::string path = (dir / "stale.sock").string();
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::copy(path.begin(), path.end(), address.sun_path);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    ::close(fd); // the file stays, with no listener behind it
    RunResult r = runRoomsctl({"--socket", path, "status"});
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("Connection refused") != std::string::npos);
    CHECK(r.err.find(kStartHint) != std::string::npos);
}

TEST_CASE("the default socket comes from $ROOMSD_SOCKET") {
    TempDir dir;
    FakeDaemon daemon(dir / "env.sock", FakeDaemon::Behaviour::Answer, okAnswer(R"({"status":"started"})"));
    SpawnOptions options;
    options.env["ROOMSD_SOCKET"] = (dir / "env.sock").string();
    RunResult r = runRoomsctl({"sync", "--format", "table"}, options);
    CHECK(r.exitCode == 0);
    CHECK(r.out == "sync started\n");
    CHECK(daemon.connections() == 1);
    // --socket wins over the environment.
    RunResult elsewhere = runRoomsctl({"--socket", (dir / "none.sock").string(), "sync"}, options);
    CHECK(elsewhere.exitCode == 3);
    CHECK(daemon.connections() == 1);
}

TEST_CASE("a daemon that never answers: exit 3 after --timeout") {
    TempDir dir;
    FakeDaemon daemon(dir / "roomsd.sock", FakeDaemon::Behaviour::Silent);
    RunResult r = runRoomsctl({"--socket", (dir / "roomsd.sock").string(), "--timeout", "0.5", "status"});
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("no answer within 0.5 s") != std::string::npos);
    CHECK(r.err.find(kStartHint) != std::string::npos);
    CHECK(daemon.connections() == 1);
}

TEST_CASE("a connection closed without an answer: exit 3") {
    TempDir dir;
    FakeDaemon daemon(dir / "roomsd.sock", FakeDaemon::Behaviour::HangUp);
    RunResult r = runRoomsctl({"--socket", (dir / "roomsd.sock").string(), "rooms"});
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("closed without an answer") != std::string::npos);
}

TEST_CASE("an answer cut short in its body: exit 3") {
    TempDir dir;
    FakeDaemon daemon(dir / "roomsd.sock", FakeDaemon::Behaviour::Answer,
                      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"data\":[");
    RunResult r = runRoomsctl({"--socket", (dir / "roomsd.sock").string(), "rooms"});
    CHECK(r.exitCode == 3);
    CHECK(r.err.find("in the middle of the answer") != std::string::npos);
    CHECK(r.out.empty());
}

TEST_CASE("something that is not roomsd on the socket: exit 1") {
    TempDir dir;
    FakeDaemon daemon(dir / "roomsd.sock", FakeDaemon::Behaviour::Garbage);
    RunResult r = runRoomsctl({"--socket", (dir / "roomsd.sock").string(), "status"});
    CHECK(r.exitCode == 1);
    CHECK(r.err.find("cannot read") != std::string::npos);
}

TEST_CASE("the request on the wire: HTTP/1.1 with an encoded query and a JSON body for parameters") {
    TempDir dir;
    FakeDaemon daemon(
        dir / "roomsd.sock", FakeDaemon::Behaviour::Answer,
        okAnswer(R"({"data":[],"meta":{"page_number":1,"page_size":5,"total_pages":0,"total_results":0}})"));
    std::string socket = (dir / "roomsd.sock").string();
    RunResult list = runRoomsctl({"--socket", socket, "participants", "--context", "Zo\xC3\xAB & co", "--joined-since",
                                  "2026-05-01", "--page-size", "5", "--format", "table"});
    CHECK(list.exitCode == 0);
    CHECK(list.out.find("no results\nmirror synced at 2026-06-01T12:00:00Z\n") != std::string::npos);
    REQUIRE(daemon.requests().size() == 1);
    std::string request = daemon.requests()[0];
    CHECK(request.starts_with("GET /v2/room_participants?filter%5Bcontext%5D=Zo%C3%AB%20%26%20co"
                              "&filter%5Bdate_joined_at%5D%5Bgte%5D=2026-05-01&page%5Bsize%5D=5 HTTP/1.1\r\n"));
    CHECK(request.find("\r\nHost: localhost\r\n") != std::string::npos);
    CHECK(request.find("\r\nAccept: application/json\r\n") != std::string::npos);

    RunResult sql =
        runRoomsctl({"--socket", socket, "sql", "SELECT * FROM rooms WHERE unique_name = ? LIMIT ? OFFSET ?", "--param",
                     "orchid", "--param", "5", "--param", "-2.5", "--param", "null", "--format", "json"});
    CHECK(sql.exitCode == 0);
    REQUIRE(daemon.requests().size() == 2);
    request = daemon.requests()[1];
    CHECK(request.starts_with("POST /sql HTTP/1.1\r\n"));
    CHECK(request.find("\r\nContent-Type: application/json\r\n") != std::string::npos);
    std::string body = request.substr(request.find("\r\n\r\n") + 4);
    CHECK(json::parse(body) == json::parse(R"({"sql":"SELECT * FROM rooms WHERE unique_name = ? LIMIT ? OFFSET ?",
                                               "params":["orchid",5,-2.5,null]})"));
}
