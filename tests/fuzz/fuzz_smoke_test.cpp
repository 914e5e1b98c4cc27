// fuzz_smoke: every parser of hostile input keeps its documented contract on its
// seed corpus and on a few thousand fixed-seed mutations of it (see targets.hpp
// for what each target checks; the libFuzzer harnesses run the same checks).
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "common/strings.hpp"
#include "fuzz/check_support.hpp"
#include "fuzz/corpus.hpp"
#include "fuzz/mutate.hpp"
#include "fuzz/targets.hpp"

using namespace roomsd;
using namespace roomsd::fuzz;
namespace json = boost::json;

namespace {

constexpr std::size_t kMutations = 3000;
constexpr std::size_t kWrongTypeDocuments = 1500;
constexpr std::size_t kFailuresShown = 5;

// Runs one target over its seeds, their truncations, the extremes, documents with
// wrong types in every field and fixed-seed mutations; fails on any violation.
void smoke(std::string_view name) {
    const FuzzTarget& target = targetNamed(name);
    const std::size_t keep = target.hasSelector ? 1 : 0;
    std::vector<std::string> seeds = seedCorpus(name);
    REQUIRE_FALSE(seeds.empty());

    std::size_t inputs = 0, failures = 0;
    auto run = [&](const std::string& input) {
        ++inputs;
        Violation violation = target.check(input);
        if (!violation) return;
        if (++failures <= kFailuresShown)
            FAIL_CHECK(*violation << "\n  input (" << input.size() << " bytes): " << quoteForLog(input, 400));
    };

    for (const std::string& seed : seeds) run(seed);
    for (const std::string& seed : seeds)
        for (const std::string& prefix : truncations(seed, keep)) run(prefix);

    std::vector<std::string> selectors{""};
    if (target.hasSelector)
        for (int s = 0; s < 64; ++s) selectors.emplace_back(1, static_cast<char>(s));
    for (const std::string& extreme : extremes())
        for (const std::string& selector : selectors) run(selector + extreme);

    // Documents of the right shape with the wrong things inside, for the JSON targets.
    std::vector<std::pair<std::string, json::value>> documents;
    for (const std::string& seed : seeds) {
        json::error_code ec;
        json::value doc = json::parse(std::string_view(seed).substr(std::min(keep, seed.size())), ec);
        if (!ec) documents.emplace_back(seed.substr(0, std::min(keep, seed.size())), std::move(doc));
    }
    for (const auto& [selector, doc] : documents)
        for (const json::value& variant : wrongTypes(doc, kWrongTypeDocuments / documents.size() + 1))
            run(selector + json::serialize(variant));

    Mutator mutator(seedFor(name), seeds, keep);
    for (std::size_t i = 0; i < kMutations; ++i) run(mutator.next());

    INFO(name << ": " << inputs << " inputs");
    CHECK(failures == 0);
}

} // namespace

TEST_CASE("the checks see what they look for") {
    CHECK(hasControlByte("a\x1b[31m"));
    CHECK(hasControlByte("a\x7f"));
    CHECK_FALSE(hasControlByte("line\n", "\n"));
    CHECK_FALSE(hasControlByte("caf\xc3\xa9"));
    CHECK(isValidUtf8("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"));
    CHECK_FALSE(isValidUtf8("\xc0\xaf"));         // overlong '/'
    CHECK_FALSE(isValidUtf8("\xed\xa0\x80"));     // a surrogate
    CHECK_FALSE(isValidUtf8("\xf4\x90\x80\x80")); // past U+10FFFF
    CHECK_FALSE(isValidUtf8("\xe2\x9c"));         // cut short
    CHECK(splitSelector("\x02rest") == std::pair<std::uint8_t, std::string_view>{2, "rest"});
}

TEST_CASE("the mutations are the same on every run") {
    Mutator a(seedFor("x"), {"{\"a\":[1,2]}"}, 0), b(seedFor("x"), {"{\"a\":[1,2]}"}, 0);
    for (int i = 0; i < 100; ++i) CHECK(a.next() == b.next());
    CHECK(truncations("\x01"
                      "abc",
                      1) == std::vector<std::string>{"\x01",
                                                     "\x01"
                                                     "a",
                                                     "\x01"
                                                     "ab"});
}

TEST_CASE("list_page: parseListPage on mutated list bodies of every schema") { smoke("list_page"); }
TEST_CASE("record_body: parseRecordBody on mutated by-id bodies") { smoke("record_body"); }
TEST_CASE("error_body: describeErrorBody stays one printable line") { smoke("error_body"); }
TEST_CASE("server_wait: Retry-After and x-ratelimit-reset values") { smoke("server_wait"); }
TEST_CASE("telnyx_query: /v2 query strings and ids of every route") { smoke("telnyx_query"); }
TEST_CASE("sql_request: POST /sql bodies of every content type") { smoke("sql_request"); }
TEST_CASE("sql_accept: Accept and Content-Type headers") { smoke("sql_accept"); }
TEST_CASE("query_string: the query API's parseQueryString round-trips") { smoke("query_string"); }
TEST_CASE("percent_coding: what roomsctl and the client encode, the query API decodes") { smoke("percent_coding"); }
TEST_CASE("integer: parseInteger") { smoke("integer"); }
TEST_CASE("log_quoting: quoteForLog and printableForLog write printable ASCII") { smoke("log_quoting"); }
TEST_CASE("timestamp: parseTimestamp, normalizeTimestamp and formatTimestamp") { smoke("timestamp"); }
TEST_CASE("date: parseDate and formatDate") { smoke("date"); }
TEST_CASE("config: loadConfigFromString throws only clean ConfigErrors") { smoke("config"); }
TEST_CASE("ctl_render: roomsctl's renderers on answers of any shape") { smoke("ctl_render"); }
