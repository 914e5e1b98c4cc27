#include <catch2/catch.hpp>

#include "common/strings.hpp"

using namespace roomsd;

TEST_CASE("parseInteger accepts whole decimal numbers only") {
    CHECK(parseInteger("250") == 250);
    CHECK(parseInteger("-3") == -3);
    CHECK_FALSE(parseInteger(""));
    CHECK_FALSE(parseInteger("12a"));
    CHECK_FALSE(parseInteger("1.5"));
    CHECK_FALSE(parseInteger("99999999999999999999"));
}

TEST_CASE("log quoting cannot forge a log line") {
    CHECK(quoteForLog("line\nINFO fake") == "\"line\\x0AINFO fake\"");
    CHECK(quoteForLog("abcdef", 3) == "\"abc...\"");
    CHECK(printableForLog("tab\there") == "tab\\x09here");
}

TEST_CASE("trim and split") {
    CHECK(trim("  key\n") == "key");
    CHECK(split("a,,b", ',').size() == 3);
}
