// Deterministic mutations for fuzz_smoke.
#include "fuzz/mutate.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <variant>

namespace json = boost::json;

namespace roomsd::fuzz {
namespace {

constexpr auto kInterestingBytes =
    std::to_array<char>({'\0',   '\xff', '"', '[', '{', '%', '\\', ']', '}', ',', ':', '\n', '\r', '\x7f',
                         '\x80', '\xc0', '-', '+', '&', '=', '?',  '.', 'T', 'Z', ' ', '\t', '0',  '9'});

constexpr auto kInterestingTokens = std::to_array<std::string_view>(
    {// JSON and numbers
     "\\u0000", "\\ud800", "\\\"", "1e999", "-0", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
     "18446744073709551616", "1.7976931348623157e308", "null", "true", "[]", "{}", "\"\"",
     // bidi override, C1 CSI, an ANSI sequence, a surrogate, past U+10FFFF, an overlong '/'
     "\xe2\x80\xae", "\xc2\x9b", "\x1b[2J", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf",
     // query strings
     "%zz", "%", "%00", "%FF", "%5B", "&&", "==", "[[", "]]", "page[size]=", "filter[",
     // YAML
     "!!binary ", "&a ", "*a", "? ", "- ", ": ", "---\n",
     // timestamps and dates
     "T24:00:00", "+23:59", "-23:59", ".1234567890", " GMT"});

std::string deepNesting(std::size_t depth, std::string_view open) {
    std::string out;
    out.reserve(depth * open.size());
    for (std::size_t i = 0; i < depth; ++i) out += open;
    return out;
}

using PathStep = std::variant<std::string, std::size_t>;
using Path = std::vector<PathStep>;

void collectPaths(const json::value& v, Path& at, std::vector<Path>& out) {
    out.push_back(at);
    if (v.is_object()) {
        for (const auto& kv : v.get_object()) {
            at.emplace_back(std::string(kv.key()));
            collectPaths(kv.value(), at, out);
            at.pop_back();
        }
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < v.get_array().size(); ++i) {
            at.emplace_back(i);
            collectPaths(v.get_array()[i], at, out);
            at.pop_back();
        }
    }
}

json::value& valueAt(json::value& root, const Path& path) {
    json::value* v = &root;
    for (const PathStep& step : path) {
        if (const auto* key = std::get_if<std::string>(&step))
            v = &v->get_object()[*key];
        else
            v = &v->get_array()[std::get<std::size_t>(step)];
    }
    return *v;
}

std::vector<json::value> hostileValues() {
    json::value deep = json::array{};
    for (int i = 0; i < 20; ++i) deep = json::array{deep};
    std::vector<json::value> values;
    values.emplace_back(nullptr);
    values.emplace_back(true);
    values.emplace_back(false);
    values.emplace_back(std::int64_t{0});
    values.emplace_back(std::int64_t{-1});
    values.emplace_back(INT64_MIN);
    values.emplace_back(UINT64_MAX);
    values.emplace_back(1.5);
    values.emplace_back(-1e308);
    values.emplace_back(1e308);
    for (std::string_view text : {"", "\x1b[31mred\n\r\t\x7f", "\xe2\x80\xae\xc2\x9b\xe2\x80\xa8",
                                  "2021-04-16T09:46:20.954863Z", "9999-12-31T23:59:59-23:59", "-1"})
        values.emplace_back(json::string(text));
    values.emplace_back(json::string(std::string(300, 'x')));
    values.emplace_back(json::array{});
    values.emplace_back(json::array{"a", 1, nullptr});
    values.emplace_back(json::object{});
    values.emplace_back(json::object{{"id", json::object{}}, {"data", json::array{}}});
    values.push_back(std::move(deep));
    return values;
}

} // namespace

Mutator::Mutator(std::uint64_t seed, std::vector<std::string> corpus, std::size_t keepFirst)
    : state_(seed), corpus_(std::move(corpus)), keepFirst_(keepFirst) {
    if (corpus_.empty()) corpus_.emplace_back();
}

std::uint64_t Mutator::random() {
    // SplitMix64 (Steele, Lea and Flood).
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

std::size_t Mutator::below(std::size_t bound) { return bound == 0 ? 0 : static_cast<std::size_t>(random() % bound); }

std::string Mutator::next() {
    std::string input = corpus_[below(corpus_.size())];
    std::size_t rounds = 1 + below(4);
    for (std::size_t i = 0; i < rounds; ++i) mutateOnce(input);
    return input;
}

void Mutator::mutateOnce(std::string& input) {
    std::size_t keep = std::min(keepFirst_, input.size());
    std::size_t span = input.size() - keep;   // bytes a mutation may change
    std::size_t at = keep + below(span);      // an existing byte (== size when there is none)
    std::size_t gap = keep + below(span + 1); // a place to insert at
    auto interestingByte = [&] { return kInterestingBytes[below(kInterestingBytes.size())]; };
    switch (below(11)) {
    case 0:
        if (span > 0) input[at] = static_cast<char>(input[at] ^ (1 << below(8)));
        break;
    case 1:
        if (span > 0) input[at] = interestingByte();
        break;
    case 2: input.insert(gap, 1, interestingByte()); break;
    case 3: input.insert(gap, kInterestingTokens[below(kInterestingTokens.size())]); break;
    case 4:
        if (span > 0) input.erase(at, 1 + below(std::min<std::size_t>(16, input.size() - at)));
        break;
    case 5:
        if (span > 0) {
            std::string chunk = input.substr(at, 1 + below(std::min<std::size_t>(64, input.size() - at)));
            input.insert(keep + below(span + 1), chunk);
        }
        break;
    case 6: {
        // Splice: this entry's head and another entry's tail.
        const std::string& other = corpus_[below(corpus_.size())];
        std::size_t otherKeep = std::min(keepFirst_, other.size());
        input = input.substr(0, gap) + other.substr(otherKeep + below(other.size() - otherKeep + 1));
        break;
    }
    case 7: input.resize(gap); break;
    case 8: {
        static constexpr std::array<std::string_view, 4> kOpeners{"[", "{\"a\":", "{", "- "};
        input.insert(gap, deepNesting(10000, kOpeners[below(kOpeners.size())]));
        break;
    }
    case 9: {
        // A run of digits made huge, or a digit run inserted.
        std::size_t digit = input.find_first_of("0123456789", at);
        input.insert(digit == std::string::npos ? gap : digit, std::string(1 + below(40), '9'));
        break;
    }
    default:
        if (keep > 0) input[0] = static_cast<char>(random());
        break;
    }
}

std::uint64_t seedFor(std::string_view name) {
    std::uint64_t hash = 0xcbf29ce484222325ULL; // FNV-1a
    for (unsigned char c : name) hash = (hash ^ c) * 0x100000001b3ULL;
    return hash;
}

std::vector<std::string> truncations(std::string_view input, std::size_t keepFirst) {
    std::vector<std::string> out;
    std::size_t lengths = input.size() - std::min(keepFirst, input.size());
    std::size_t step = lengths <= 300 ? 1 : lengths / 100;
    for (std::size_t length = keepFirst; length < input.size(); length += step)
        out.emplace_back(input.substr(0, length));
    return out;
}

std::vector<std::string> extremes() {
    return {deepNesting(10000, "["),       deepNesting(10000, "[") + deepNesting(10000, "]"),
            deepNesting(5000, "{\"a\":"),  deepNesting(10000, "{"),
            deepNesting(10000, "- "),      deepNesting(2000, "a:\n ") + "b",
            "a: &a [*a, *a, *a]\nb: *a\n", "\"" + std::string(100000, 'a'),
            std::string(100000, '%'),      std::string(10000, '-'),
            std::string(4096, '\0'),       std::string(4096, '\xff'),
            deepNesting(5000, "%5B"),      deepNesting(5000, "&=")};
}

std::vector<json::value> wrongTypes(const json::value& doc, std::size_t limit) {
    std::vector<Path> paths;
    Path at;
    collectPaths(doc, at, paths);
    const std::vector<json::value> values = hostileValues();
    std::size_t total = paths.size() * values.size();
    std::size_t count = std::min(limit, total);
    std::vector<json::value> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        std::size_t flat = i * total / count;
        std::size_t path = flat / values.size();
        json::value copy = doc;
        valueAt(copy, paths[path]) = values[(flat + path) % values.size()];
        out.push_back(std::move(copy));
    }
    return out;
}

} // namespace roomsd::fuzz
