// Terminal-safe text, display widths and CSV fields: what roomsctl prints a record's strings as.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ctl/text.hpp"

using namespace roomsd::ctl;

TEST_CASE("control characters are shown escaped and never sent to the terminal") {
    CHECK(escapeForTerminal("line\nbreak") == "line\\nbreak");
    CHECK(escapeForTerminal("tab\there\r") == "tab\\there\\r");
    CHECK(escapeForTerminal("\x1b[31mred\x1b[0m") == "\\x1B[31mred\\x1B[0m");
    CHECK(escapeForTerminal(std::string("nul\0byte", 8)) == "nul\\x00byte");
    CHECK(escapeForTerminal("bell\x07 del\x7f") == "bell\\x07 del\\x7F");
    // C1 controls (CSI U+009B can start an escape sequence on its own) and bidi overrides.
    CHECK(escapeForTerminal("\xC2\x9B"
                            "31m") == "\\u{009B}31m");
    CHECK(escapeForTerminal("abc\xE2\x80\xAE"
                            "fed") == "abc\\u{202E}fed");
    CHECK(escapeForTerminal("a\xE2\x80\xA8"
                            "b") == "a\\u{2028}b");
}

TEST_CASE("escaping loses nothing: a backslash is doubled and invalid UTF-8 shown as bytes") {
    CHECK(escapeForTerminal("back\\slash") == "back\\\\slash");
    CHECK(escapeForTerminal("a\\nb") != escapeForTerminal("a\nb"));
    CHECK(escapeForTerminal("bad \xFF\xC3") == "bad \\xFF\\xC3");
    CHECK(escapeForTerminal("\xC0\xAF") == "\\xC0\\xAF");          // overlong '/'
    CHECK(escapeForTerminal("\xED\xA0\x80") == "\\xED\\xA0\\x80"); // a UTF-16 surrogate
}

TEST_CASE("printable text with accents or CJK or emoji is kept as it is") {
    for (std::string text : {"Alice", "Zo\xC3\xAB", "\xE7\x94\xB0\xE4\xB8\xAD", "Dr. \"Q\" O'Neil",
                             "{\"role\":\"host\"}", "\xF0\x9F\x8E\xA5 room"})
        CHECK(escapeForTerminal(text) == text);
}

TEST_CASE("display width counts terminal columns and not bytes") {
    CHECK(displayWidth("") == 0);
    CHECK(displayWidth("Alice") == 5);
    CHECK(displayWidth("Zo\xC3\xAB") == 3);               // Zoë, precomposed
    CHECK(displayWidth("Zoe\xCC\x88") == 3);              // Zoë with a combining diaeresis
    CHECK(displayWidth("\xE7\x94\xB0\xE4\xB8\xAD") == 4); // 田中: two wide characters
    CHECK(displayWidth("\xEF\xBC\xA1") == 2);             // fullwidth A
    CHECK(displayWidth("\xF0\x9F\x8E\xA5") == 2);         // 🎥
    CHECK(displayWidth("\xEA\xB0\x80") == 2);             // Hangul syllable
    CHECK(displayWidth(escapeForTerminal("a\nb")) == 4);  // a\nb
}

TEST_CASE("CSV fields are quoted exactly when RFC 4180 needs it") {
    CHECK(csvField("plain") == "plain");
    CHECK(csvField("") == "");
    CHECK(csvField("a,b") == "\"a,b\"");
    CHECK(csvField("Dr. \"Q\" O'Neil") == "\"Dr. \"\"Q\"\" O'Neil\"");
    CHECK(csvField("two\nlines") == "\"two\nlines\"");
    CHECK(csvField("cr\r") == "\"cr\r\"");
    CHECK(csvField(" padded ") == "\" padded \"");
    // CSV is for programs: the data is kept byte for byte, escapes included.
    CHECK(csvField("\x1b[31m") == "\x1b[31m");
    CHECK(csvField("\xE7\x94\xB0\xE4\xB8\xAD") == "\xE7\x94\xB0\xE4\xB8\xAD");
}

TEST_CASE("a CSV row is its fields quoted as csvField does, commas between and CRLF at the end") {
    CHECK(csvRow(std::vector<std::string>{"id", "two words", "a,b", "", "say \"hi\""}) ==
          "id,two words,\"a,b\",,\"say \"\"hi\"\"\"\r\n");
    CHECK(csvRow(std::vector<std::string>{""}) == "\r\n");
    CHECK(csvRow({}) == "\r\n");
}
