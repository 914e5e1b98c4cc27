// TextTable: columns line up on a terminal whatever the values hold.
#include <catch2/catch.hpp>

#include <sstream>
#include <vector>

#include "common/strings.hpp"
#include "ctl/table.hpp"
#include "ctl/text.hpp"

using namespace roomsd;
using namespace roomsd::ctl;

namespace {

std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// The display column where each cell of `line` starts, given the cells' texts in order.
std::vector<std::size_t> cellColumns(const std::string& line, const std::vector<std::string>& cells) {
    std::vector<std::size_t> columns;
    std::size_t from = 0;
    for (const auto& cell : cells) {
        std::size_t at = line.find(cell, from);
        REQUIRE(at != std::string::npos);
        columns.push_back(displayWidth(line.substr(0, at)));
        from = at + cell.size();
    }
    return columns;
}

} // namespace

TEST_CASE("a table has a header and a rule and aligned rows without trailing spaces") {
    TextTable table({"id", "name", "max"});
    table.setAlign(2, Align::Right);
    table.addRow({"1", "orchid", "5"});
    table.addRow({"22", "maple-harbor", "250"});
    CHECK(table.render() == "id  name          max\n"
                            "--  ------------  ---\n"
                            "1   orchid          5\n"
                            "22  maple-harbor  250\n");
}

TEST_CASE("wide and combining characters keep the columns aligned") {
    TextTable table({"context", "joined_at"});
    table.addRow({"Alice", "2026-05-01T10:00:00Z"});
    table.addRow({"\xE7\x94\xB0\xE4\xB8\xAD", "2026-05-02T10:00:00Z"}); // 田中, 4 columns
    table.addRow({"Zoe\xCC\x88", "2026-05-03T10:00:00Z"});              // combining mark, 3 columns
    table.addRow({"\xF0\x9F\x8E\xA5 bot", "2026-05-04T10:00:00Z"});     // emoji, 6 columns
    auto lines = linesOf(table.render());
    REQUIRE(lines.size() == 6);
    for (std::size_t i = 2; i < lines.size(); ++i) {
        auto at = lines[i].find("2026-05-0");
        REQUIRE(at != std::string::npos);
        CHECK(displayWidth(lines[i].substr(0, at)) == displayWidth(lines[0].substr(0, lines[0].find("joined_at"))));
    }
}

TEST_CASE("a value with newlines or escape sequences cannot break the layout or reach the terminal") {
    TextTable table({"id", "context", "left_at"});
    table.addRow({"p1", "evil\n\x1b[2J\x1b[31mred\r", "2026-05-01"});
    table.addRow({"p2", "plain", "2026-05-02"});
    std::string out = table.render();
    CHECK(out.find('\x1b') == std::string::npos);
    CHECK(out.find('\r') == std::string::npos);
    auto lines = linesOf(out);
    REQUIRE(lines.size() == 4); // header, rule, two rows: the newline stayed inside its cell
    CHECK(lines[2] == "p1  evil\\n\\x1B[2J\\x1B[31mred\\r  2026-05-01");
    CHECK(cellColumns(lines[2], {"p1", "evil", "2026-05-01"}) == cellColumns(lines[3], {"p2", "plain", "2026-05-02"}));
}

TEST_CASE("long values are never cut: the column widens") {
    std::string longUrl = "https://example.com/" + std::string(300, 'x');
    TextTable table({"id", "webhook_event_url", "record_type"});
    table.addRow({"r1", longUrl, "room"});
    table.addRow({"r2", "", "room"});
    auto lines = linesOf(table.render());
    REQUIRE(lines.size() == 4);
    CHECK(lines[2].find(longUrl) != std::string::npos);
    CHECK(lines[3] == "r2  " + std::string(longUrl.size(), ' ') + "  room");
}

TEST_CASE("missing cells are blank and headers are escaped too") {
    TextTable table({"a\tb", "c"});
    table.addRow({"only"});
    CHECK(table.render() == "a\\tb  c\n----  -\nonly\n");
}
