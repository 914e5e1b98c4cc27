// The README's examples. Thread-safety: see readme.hpp.
#include "support/readme.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <sstream>

#include "support/process.hpp"

namespace roomsd::test {
namespace {

std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t first = s.find_first_not_of(" \t\n");
    return first == std::string::npos ? std::string() : s.substr(first);
}

} // namespace

std::string readme() {
    std::string text = readFile(sourceDir() / "README.md");
    REQUIRE_FALSE(text.empty());
    return text;
}

std::vector<std::string> sqlBlockStatements(const std::string& text) {
    std::vector<std::string> statements;
    std::regex block("```sql\\n([\\s\\S]*?)```");
    for (std::sregex_iterator it(text.begin(), text.end(), block), end; it != end; ++it) {
        std::istringstream lines((*it)[1].str());
        std::string line, current;
        while (std::getline(lines, line)) {
            if (trimmed(line).rfind("--", 0) == 0) continue;
            current += line + "\n";
            if (!line.empty() && line.back() == ';') {
                statements.push_back(trimmed(current));
                current.clear();
            }
        }
        if (!trimmed(current).empty()) statements.push_back(trimmed(current));
    }
    return statements;
}

} // namespace roomsd::test
