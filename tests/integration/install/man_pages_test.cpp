// The installed manual pages against what they describe: every option of the real binaries'
// --help is in roomsd(8) and roomsctl(1) (and nothing they do not have), and roomsd.yaml(5)
// gives every key of the README's configuration table with the same default (the config tests
// tie that table to the code's defaults).
#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "support/process.hpp"

using namespace roomsd::test;

namespace {

std::string manPage(const std::string& name) { return readFile(sourceDir() / "daemon/app/man" / name); }

// Long options ("--name") in a --help text.
std::set<std::string> helpOptions(const std::string& help) {
    std::set<std::string> out;
    std::regex option(R"((^|[ ,])(--[a-z][a-z-]*))");
    for (std::sregex_iterator it(help.begin(), help.end(), option), end; it != end; ++it) out.insert((*it)[2]);
    return out;
}

// Long options ("\-\-name" in roff) a man page mentions.
std::set<std::string> manOptions(const std::string& page) {
    std::set<std::string> out;
    std::regex option(R"(\\-\\-([a-z][a-z\\-]*[a-z]))");
    for (std::sregex_iterator it(page.begin(), page.end(), option), end; it != end; ++it)
        out.insert("--" + std::regex_replace((*it)[1].str(), std::regex(R"(\\-)"), "-"));
    return out;
}

std::string help(const std::vector<std::string>& argv) {
    RunResult r = run(argv);
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    return r.out;
}

} // namespace

TEST_CASE("roomsd(8) documents exactly the options of roomsd --help") {
    std::string page = manPage("roomsd.8");
    CHECK(manOptions(page) == helpOptions(help({(binDir() / "roomsd").string(), "--help"})));
}

TEST_CASE("roomsctl(1) documents every command and option of roomsctl --help, and no other") {
    std::string roomsctl = (binDir() / "roomsctl").string();
    std::string page = manPage("roomsctl.1");
    std::set<std::string> options = helpOptions(help({roomsctl, "--help"}));
    for (const char* command : {"status", "rooms", "sessions", "participants", "get", "sql", "schema", "sync",
                                "changes", "consumers", "report", "completion"}) {
        INFO(command);
        CHECK(std::regex_search(page, std::regex("\n\\.BR? " + std::string(command) + "[ \n]")));
        for (const std::string& option : helpOptions(help({roomsctl, command, "--help"}))) options.insert(option);
    }
    CHECK(manOptions(page) == options);
}

TEST_CASE("roomsd.yaml(5) gives every key of the README's configuration table, with its default") {
    // README: | `section.key` | `default` or unset | meaning |
    const std::string readme = readFile(sourceDir() / "README.md");
    std::set<std::string> readmeKeys; // "section.key = default"
    std::regex row(R"(\n\| `([a-z_]+\.[a-z_]+)` \| (`([^`]*)`|unset) \|)");
    for (std::sregex_iterator it(readme.begin(), readme.end(), row), end; it != end; ++it)
        readmeKeys.insert((*it)[1].str() + " = " + ((*it)[3].matched ? (*it)[3].str() : "unset"));

    // roomsd.yaml(5): \fBsection.key\fR (default \fBvalue\fR) or (default unset)
    const std::string page = manPage("roomsd.yaml.5");
    std::set<std::string> manKeys;
    std::regex entry(R"(\n\\fB([a-z_]+\.[a-z_]+)\\fR \(default (\\fB([^\\]*)\\fR|unset)\))");
    for (std::sregex_iterator it(page.begin(), page.end(), entry), end; it != end; ++it)
        manKeys.insert((*it)[1].str() + " = " + ((*it)[3].matched ? (*it)[3].str() : "unset"));

    CHECK(readmeKeys.size() >= 20);
    CHECK(manKeys == readmeKeys);
}

TEST_CASE("roomsd-replicate(8) documents its options and every key of replicate.example.yaml with its default") {
    std::string page = manPage("roomsd-replicate.8");
    CHECK(manOptions(page) == helpOptions(help({(binDir() / "roomsd-replicate").string(), "--help"})));

    // The example: "section:" lines, then "  key: value   # comment"; top-level "key: value   # comment".
    const std::string example = readFile(sourceDir() / "config" / "replicate.example.yaml");
    std::set<std::string> exampleKeys; // "section.key = default"
    std::string section;
    std::regex heading(R"(^([a-z_]+):\s*$)");
    std::regex entry(R"(^(  )?([a-z_]+): +(\S+) +#)");
    std::istringstream lines(example);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_match(line, m, heading)) {
            section = m[1];
        } else if (std::regex_search(line, m, entry)) {
            std::string key = m[1].matched ? section + "." + m[2].str() : m[2].str();
            exampleKeys.insert(key + " = " + (m[3] == "~" ? "unset" : m[3].str()));
        }
    }
    std::set<std::string> manKeys;
    std::regex manEntry(R"(\n\\fB([a-z_]+(\.[a-z_]+)?)\\fR \(default (\\fB([^\\]*)\\fR|unset)\))");
    for (std::sregex_iterator it(page.begin(), page.end(), manEntry), end; it != end; ++it)
        manKeys.insert((*it)[1].str() + " = " + ((*it)[4].matched ? (*it)[4].str() : "unset"));
    CHECK(exampleKeys.size() == 7);
    CHECK(manKeys == exampleKeys);
}
