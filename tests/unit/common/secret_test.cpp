// redactSecret: every occurrence of the key goes, for keys of any length (the one-letter keys
// that once made the client loop for ever included), and nothing else changes.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "common/secret.hpp"

using roomsd::redactSecret;
using roomsd::Secret;

namespace {

// The expected answer, by a scan of its own: at each place, the key if it starts there, else one character.
std::string scanReplace(const std::string& text, const std::string& key) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (text.compare(i, key.size(), key) == 0) {
            out += "[redacted]";
            i += key.size();
        } else {
            out += text[i++];
        }
    }
    return out;
}

} // namespace

TEST_CASE("redaction replaces each occurrence once, also for keys the mark itself contains", "[secret]") {
    CHECK(redactSecret("Bearer d, again: d", Secret("d")) == "Bearer [redacted], again: [redacted]");
    CHECK(redactSecret("[redacted]", Secret("e")) == "[r[redacted]dact[redacted]d]");
    CHECK(redactSecret("aaaa", Secret("aa")) == "[redacted][redacted]");
    CHECK(redactSecret("aaa", Secret("aa")) == "[redacted]a");
    CHECK(redactSecret("no key here", Secret("KEY0123")) == "no key here");
    CHECK(redactSecret("unchanged", Secret()) == "unchanged");
    CHECK(redactSecret("", Secret("k")).empty());
}

TEST_CASE("redaction of random texts with short keys terminates and matches an independent scan", "[secret]") {
    // The alphabet has the mark's own letters, so keys inside "[redacted]" come up often.
    const std::string alphabet = "[redact]k ";
    std::mt19937_64 random(20261201);
    auto pick = [&](std::size_t n) {
        std::string s;
        for (std::size_t i = 0; i < n; ++i) s += alphabet[random() % alphabet.size()];
        return s;
    };
    for (int round = 0; round < 20000; ++round) {
        std::string key = pick(1 + random() % 3);
        std::string text = pick(random() % 200);
        std::string redacted = redactSecret(text, Secret(key));
        INFO("key '" << key << "' text '" << text << "'");
        REQUIRE(redacted == scanReplace(text, key));
    }
}
