// A rejected key (issue 8, "What roomsd must do" 6 and 8): keys of one to three characters,
// letters of roomsd's own "[redacted]" among them, that the simulator rejects. `roomsd --once`
// exits 3 within a bound with exactly one stderr line (and the same in sync_runs), the expected
// sentence: roomsd's own words intact, the key's source named, and what the server said with
// every occurrence of the key scrubbed. Comparing the whole sentence, rather than searching a
// one-letter key in it, is what tells a scrubbed server word from a mangled message. SIGTERM
// stops the daemon with such a key.
#include <catch2/catch.hpp>

#include <SQLiteCpp/Database.h>

#include "scenario/scenario.hpp"
#include "support/http.hpp"

using namespace roomsd::test;

namespace {

// `text` with every occurrence of `key`, left to right and not overlapping, replaced.
std::string scrubbed(const std::string& text, const std::string& key) {
    std::string out;
    std::size_t at = 0;
    while (true) {
        std::size_t found = text.find(key, at);
        if (found == std::string::npos) break;
        out += text.substr(at, found - at) + "[redacted]";
        at = found + key.size();
    }
    return out + text.substr(at);
}

// What roomsd says when the simulator rejects the key from `source`: in sync_runs.message, and
// after "roomsd: rooms: " as the one line on stderr.
std::string expectedMessage(const std::string& source, const std::string& key) {
    return "the Telnyx API rejected the API key from " + source +
           " (HTTP 401 on GET /rooms?page[number]=1&page[size]=50): " +
           scrubbed("code 10009 Authentication failed: The API key is not valid.", key);
}

// roomsd --once with the key `key`, bounded: it must exit by itself within 10 s.
void expectRejected(const RoomsdSetup& roomsd, const std::string& key, const std::string& source,
                    const std::vector<std::string>& extraArgs = {}) {
    static int runs = 0; // the child appends to its stderr file: one file per run
    std::filesystem::path err = roomsd.dir() / ("stderr-" + std::to_string(++runs));
    std::vector<std::string> args{"--once"};
    args.insert(args.end(), extraArgs.begin(), extraArgs.end());
    ChildProcess child = startRoomsd(roomsd.configPath(), args, key, err);
    auto status = child.waitFor(std::chrono::seconds(10));
    INFO("key '" << key << "' from " << source);
    if (!status) {
        child.signal(9);
        child.waitFor(std::chrono::seconds(5));
        FAIL("roomsd --once with a rejected key did not exit within 10 s");
    }
    CHECK(*status == 3);
    CHECK(readFile(err) == "roomsd: rooms: " + expectedMessage(source, key) + "\n");
    SQLite::Database db = roomsd.open();
    CHECK(queryOne(db, "SELECT message FROM sync_runs WHERE stream = 'rooms' ORDER BY id DESC LIMIT 1") ==
          expectedMessage(source, key));
}

} // namespace

TEST_CASE("wrong-key: short rejected keys exit 3 at once with one exact line") {
    SimProcess sim({"--rooms", "20", "--seed", "5"});
    RoomsdSetup roomsd(sim, {{"log", "level: off"}});
    std::vector<std::string> keys{"d", "e", "a", "r", "k", "ed", "dac", "[re"};
    for (const auto& key : keys) expectRejected(roomsd, key, "the TELNYX_API_KEY environment variable");

    // From a file: the source names the file (its path is roomsd's own words, never scrubbed).
    std::filesystem::path keyFile = roomsd.dir() / "api_key";
    writeFile(keyFile, "dac\n");
    RoomsdSetup fromFile(sim, {{"log", "level: off"}, {"telnyx", "api_key_file: " + keyFile.string()}});
    expectRejected(fromFile, "dac", "telnyx.api_key_file " + keyFile.string());
    report("wrong-key", "injected",
           std::to_string(keys.size() + 1) +
               " rejected keys of 1-3 characters (d e a r k ed dac [re, dac from a file)");
    report("wrong-key", "verified",
           "each exited 3 within 10 s with exactly the expected one-line message naming the key's source, the same "
           "sentence in sync_runs.message");
}

TEST_CASE("wrong-key: SIGTERM stops the daemon that a rejected key keeps backing off") {
    SimProcess sim({"--rooms", "20", "--seed", "5"});
    RoomsdSetup roomsd(sim, {{"log", "level: info"}, {"sync", "interval_secs: 1"}});
    std::filesystem::path err = roomsd.dir() / "daemon.stderr";
    ChildProcess daemon = startRoomsd(roomsd.configPath(), {}, "e", err);
    // /status says so, in the same exact sentence (no key there either).
    HttpRequest ask;
    ask.url = "http://localhost/status";
    ask.unixSocket = roomsd.socket().string();
    boost::json::value credentials;
    bool rejected = eventually(
        [&] {
            HttpResponse r = send(ask);
            if (r.status != 200) return false;
            credentials = boost::json::parse(r.body).at("telnyx").at("credentials");
            return credentials.at("rejected").as_bool();
        },
        std::chrono::seconds(15));
    INFO(readFile(err));
    REQUIRE(rejected);
    CHECK(credentials.at("message") == expectedMessage("the TELNYX_API_KEY environment variable", "e").c_str());
    auto status = terminateWithin(daemon, std::chrono::seconds(5));
    REQUIRE(status.has_value());
    CHECK(*status == 0);
    CHECK(integrityCheck(roomsd.database()) == "ok");
    report("wrong-key", "injected", "the daemon with the rejected key 'e', passes backing off");
    report("wrong-key", "verified",
           "/status telnyx.credentials: rejected, with the exact expected sentence; SIGTERM: exit 0 within 5 s, "
           "integrity_check ok");
}
