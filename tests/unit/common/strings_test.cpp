#include <catch2/catch.hpp>

#include "common/strings.hpp"

using namespace roomsd;

TEST_CASE("percent encoding round-trips the filter parameter names") {
    CHECK(percentEncode("filter[date_updated_at][gte]") == "filter%5Bdate_updated_at%5D%5Bgte%5D");
    CHECK(percentDecode("filter%5Bunique_name%5D", true) == "filter[unique_name]");
    CHECK(percentDecode("My+Room%21", true) == "My Room!");
    CHECK(percentDecode("a+b", false) == "a+b");
    CHECK_FALSE(percentDecode("bad%2", true));
    CHECK_FALSE(percentDecode("bad%zz", true));
}

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

TEST_CASE("query strings decode names and values, and bad escapes are told apart") {
    auto q = parseQueryString("filter%5Bunique_name%5D=My+Room&page[size]=5&flag&bad=%zz&%zz=1&page[size]=7");
    CHECK(q.at("filter[unique_name]") == "My Room");
    CHECK(q.at("page[size]") == "7");
    CHECK(q.at("flag") == "");
    CHECK(q.at("bad") == std::nullopt);
    CHECK(q.size() == 4);
    CHECK(parseQueryString("").empty());
}
