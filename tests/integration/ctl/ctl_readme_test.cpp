// The README's roomsctl examples, run as written (ROOM_ID replaced by a real id)
// against a synced mirror: a flag renamed in roomsctl but not in the README fails here.
#include <catch2/catch.hpp>

#include <sstream>

#include "ctl_fixture.hpp"

using namespace roomsd::test;
namespace json = boost::json;

namespace {

// The lines of the ```sh block that follows `heading` in the README.
std::vector<std::string> shellBlockAfter(const std::string& heading) {
    std::string text = readFile(sourceDir() / "README.md");
    REQUIRE_FALSE(text.empty());
    std::size_t at = text.find("\n" + heading + "\n");
    REQUIRE(at != std::string::npos);
    std::size_t open = text.find("```sh\n", at);
    std::size_t close = text.find("```", open + 6);
    REQUIRE((open != std::string::npos && close != std::string::npos));
    std::vector<std::string> lines;
    std::istringstream block(text.substr(open + 6, close - open - 6));
    for (std::string line; std::getline(block, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

// Splits a shell line into words the way sh would for these examples: double quotes
// group, a '#' outside quotes starts a comment, and '> FILE' is a redirection, dropped.
std::vector<std::string> words(const std::string& line) {
    std::vector<std::string> out;
    std::string word;
    bool quoted = false, inWord = false, redirect = false;
    auto finish = [&] {
        if (inWord && !redirect) out.push_back(word);
        if (inWord) redirect = false;
        word.clear();
        inWord = false;
    };
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
            inWord = true;
        } else if (!quoted && c == '#') {
            break;
        } else if (!quoted && c == '>') {
            finish();
            redirect = true;
        } else if (!quoted && c == ' ') {
            finish();
        } else {
            word += c;
            inWord = true;
        }
    }
    finish();
    return out;
}

} // namespace

TEST_CASE("the README's shell splitting keeps quoted words and drops comments and redirections") {
    CHECK(words(R"(roomsctl sql "SELECT 1 # not a comment" --param x   # a comment)") ==
          std::vector<std::string>{"roomsctl", "sql", "SELECT 1 # not a comment", "--param", "x"});
    CHECK(words("roomsctl --format csv sql \"SELECT 2\" > out.csv") ==
          std::vector<std::string>{"roomsctl", "--format", "csv", "sql", "SELECT 2"});
}

TEST_CASE("every roomsctl example in the README runs against a mirror and exits 0") {
    SyncedMirror mirror;
    json::value rooms = mirror.ctlJson({"rooms", "--page-size", "1"});
    std::string roomId(rooms.at("data").at(0).at("id").as_string());

    std::vector<std::string> examples = shellBlockAfter("### roomsctl");
    REQUIRE(examples.size() >= 8);
    for (const std::string& line : examples) {
        std::vector<std::string> args = words(line);
        REQUIRE_FALSE(args.empty());
        CHECK(args.front() == "roomsctl");
        args.erase(args.begin());
        for (std::string& a : args)
            if (a == "ROOM_ID") a = roomId;
        RunResult r = mirror.ctl(args);
        INFO(line << "\nstdout: " << r.out << "\nstderr: " << r.err);
        CHECK(r.exitCode == 0);
        CHECK_FALSE(r.out.empty());
    }
}
