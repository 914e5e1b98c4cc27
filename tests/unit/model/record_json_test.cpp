// canonicalJson and the stored text of recordFromJson: byte for byte the text the mirror has always
// stored (json::serialize of a copy with sorted keys), since a stored copy is compared with each new
// one as text: a different spelling of the same content would rewrite every record once.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "model/record_json.hpp"

namespace json = boost::json;
using namespace roomsd;

namespace {

// The canonical form as roomsd 0.x wrote it: a sorted deep copy, serialized by Boost.JSON.
json::value referenceSortedCopy(const json::value& v) {
    if (v.is_object()) {
        std::vector<const json::key_value_pair*> items;
        for (const auto& kv : v.get_object()) items.push_back(&kv);
        std::sort(items.begin(), items.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
        json::object out;
        for (auto* kv : items) out.emplace(kv->key(), referenceSortedCopy(kv->value()));
        return out;
    }
    if (v.is_array()) {
        json::array out;
        for (const auto& item : v.get_array()) out.push_back(referenceSortedCopy(item));
        return out;
    }
    if (v.is_double() && !std::isfinite(v.get_double())) return nullptr;
    return v;
}

std::string reference(const json::value& v) { return json::serialize(referenceSortedCopy(v)); }

// A random JSON value: every scalar kind, strings with every control character, quotes,
// backslashes, multi-byte UTF-8 and keys that sort differently as bytes than as text.
json::value randomValue(std::mt19937_64& rng, int depth) {
    std::uniform_int_distribution<int> kind(0, depth > 3 ? 5 : 7);
    auto randomString = [&] {
        static const std::vector<std::string> pieces = {
            "a",    "Z",    "0",    " ", "\"", "\\", "/", "\b", "\f", "\n", "\r", "\t", std::string(1, '\0'),
            "\x01", "\x1f", "\x7f", "é", "€",  "😀",  "_", "~",  "A1"};
        std::string s;
        int n = std::uniform_int_distribution<int>(0, 6)(rng);
        for (int i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
        return s;
    };
    switch (kind(rng)) {
    case 0: return nullptr;
    case 1: return (rng() & 1) != 0;
    case 2: return static_cast<std::int64_t>(rng());
    case 3: return static_cast<std::uint64_t>(rng());
    case 4: {
        double d = std::ldexp(static_cast<double>(rng() % 1000003) - 500000.0, static_cast<int>(rng() % 200) - 100);
        return d;
    }
    case 5: return json::string(randomString());
    case 6: {
        json::array a;
        int n = std::uniform_int_distribution<int>(0, 4)(rng);
        for (int i = 0; i < n; ++i) a.push_back(randomValue(rng, depth + 1));
        return a;
    }
    default: {
        json::object o;
        int n = std::uniform_int_distribution<int>(0, 6)(rng);
        for (int i = 0; i < n; ++i) o[randomString()] = randomValue(rng, depth + 1);
        return o;
    }
    }
}

} // namespace

TEST_CASE("canonicalJson writes what the sorted copy serialized to, byte for byte") {
    std::mt19937_64 rng(20261201);
    for (int i = 0; i < 5000; ++i) {
        json::value v = randomValue(rng, 0);
        INFO(json::serialize(v));
        REQUIRE(model::canonicalJson(v) == reference(v));
    }
}

TEST_CASE("canonicalJson on parsed text: duplicate keys, big and odd numbers, infinities") {
    for (std::string_view text : {
             R"({"b":1,"a":2,"b":3})",
             R"({"n":1e999,"m":-1e999,"z":[1e400,0.1,-0.0,1E-7,123456789012345678901234567890]})",
             R"({"u":18446744073709551615,"i":-9223372036854775808,"f":1.5e300})",
             R"({"\u00e9":"\u0001\u001f\u007f\u2028","e":"\/","A":{"y":{"x":[{"b":null,"a":true}]}}})",
             R"({})",
             R"([])",
         }) {
        INFO(text);
        json::value v = json::parse(text);
        CHECK(model::canonicalJson(v) == reference(v));
    }
    CHECK(model::canonicalJson(json::parse(R"({"n":1e999})")) == R"({"n":null})");
}

TEST_CASE("A record's stored text is its canonical form without the nested array") {
    const model::RecordSchema& rooms = *model::allSchemas()[0];
    REQUIRE(rooms.childKey == "sessions");
    json::value room = json::parse(R"({"updated_at":"2021-04-16T09:46:20.954863Z","id":"r1","unique_name":"x\ty",
        "sessions":[{"id":"s1","room_id":"r1"}],"record_type":"room","extra":{"k2":1,"k1":[2,1]},"":"empty key"})");
    std::vector<std::string> rejected;
    auto record = model::recordFromJson(rooms, room, rejected);
    REQUIRE(record);
    json::object withoutSessions = room.get_object();
    withoutSessions.erase("sessions");
    CHECK(record->upstreamJson == reference(withoutSessions));
    CHECK(record->upstreamJson.find("sessions") == std::string::npos);
    CHECK(record->upstreamJson.find(R"("":"empty key")") != std::string::npos);
    REQUIRE(record->children.size() == 1);
    CHECK(record->children[0].upstreamJson == R"({"id":"s1","room_id":"r1"})");
}
