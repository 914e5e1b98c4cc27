// The YAML reading both configuration files share (roomsd's and roomsd-replicate's):
// typed scalars whose errors name the file, the line and the key, and the walk over
// sections and keys that refuses an unknown or repeated one.
// Internal to daemon/config (the only module that sees yaml-cpp); not installed.
// Thread-safety: a Reader is immutable; the functions are reentrant.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "common/strings.hpp"
#include "config/errors.hpp"

namespace roomsd::config::detail {

// Reads one document, turning every problem into a ConfigError that names the file, line and key.
class Reader {
public:
    Reader(std::string source, std::filesystem::path baseDir)
        : source_(std::move(source)), baseDir_(std::move(baseDir)) {}

    [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& message) const;
    const std::string& scalar(const YAML::Node& node, const std::string& key, const char* expected) const;
    long long integer(const YAML::Node& node, const std::string& key, long long min, long long max) const;
    // A scalar that is not empty.
    std::string string(const YAML::Node& node, const std::string& key) const;
    // A path; a relative one is resolved against the directory of the file.
    std::filesystem::path path(const YAML::Node& node, const std::string& key) const;
    // One of trace, debug, info, warn, error, off.
    std::string logLevel(const YAML::Node& node, const std::string& key) const;
    static bool isNull(const YAML::Node& node) { return node.IsNull(); }

private:
    std::string source_;
    std::filesystem::path baseDir_;
};

// Sets one key of a C from its node; `key` is the full name ("server.socket") for messages.
template <class C>
using Setter = void (*)(const Reader&, const YAML::Node&, const std::string&, C&);
// Section name -> key name -> setter.
template <class C>
using SectionKeys = std::map<std::string, std::map<std::string, Setter<C>>>;
// Top-level key name -> setter, for the scalars that belong to no section.
template <class C>
using TopLevelKeys = std::map<std::string, Setter<C>>;

// The text of `sourceName` as a YAML document; ConfigError "FILE:LINE: not valid YAML: ...".
YAML::Node parseYaml(const std::string& text, const std::string& sourceName);

// "a, b, c": the names of a map's keys, for "unknown key (known keys: ...)".
template <class Map>
std::string keyList(const Map& map) {
    std::string out;
    for (const auto& [name, unused] : map) out += (out.empty() ? "" : ", ") + name;
    return out;
}

// Applies every key of `doc` to `out`: sections (mappings of keys) and top-level scalars;
// an unknown, repeated or mistyped key throws a ConfigError naming it. An empty document
// leaves every default.
template <class C>
void readDocument(const YAML::Node& doc, const Reader& r, const SectionKeys<C>& sections,
                  const TopLevelKeys<C>& topLevel, C& out) {
    if (!doc.IsDefined() || doc.IsNull()) return;
    auto known = [&] {
        return "known sections: " + keyList(sections) + (topLevel.empty() ? "" : "; known keys: " + keyList(topLevel));
    };
    if (!doc.IsMap()) r.fail(doc, "", "the top level must be a mapping of sections (" + keyList(sections) + ", ...)");
    std::set<std::string> seenSections;
    for (const auto& section : doc) {
        std::string name = section.first.Scalar();
        bool isScalarKey = topLevel.count(name) != 0;
        if (!seenSections.insert(name).second)
            r.fail(section.first, name, isScalarKey ? "key given twice" : "section given twice");
        if (auto scalar = topLevel.find(name); scalar != topLevel.end()) {
            scalar->second(r, section.second, name, out);
            continue;
        }
        auto keys = sections.find(name);
        if (keys == sections.end()) r.fail(section.first, name, "unknown section (" + known() + ")");
        if (section.second.IsNull()) continue;
        if (!section.second.IsMap()) r.fail(section.second, name, "expected a mapping of keys");
        std::set<std::string> seenKeys;
        for (const auto& entry : section.second) {
            std::string key = entry.first.Scalar();
            std::string full = name + "." + key;
            auto setter = keys->second.find(key);
            if (setter == keys->second.end())
                r.fail(entry.first, full, "unknown key (known keys in " + name + ": " + keyList(keys->second) + ")");
            if (!seenKeys.insert(key).second) r.fail(entry.first, full, "key given twice");
            setter->second(r, entry.second, full, out);
        }
    }
}

// A configuration file's text and the directory its relative paths resolve against; throws
// ConfigError when the file cannot be read.
struct ConfigText {
    std::string text;
    std::filesystem::path baseDir;
};
ConfigText readConfigFile(const std::filesystem::path& path);

// A C (with a sourceFile member) from YAML text, every key through `sections` and `topLevel`.
template <class C>
C loadDocument(const std::string& text, const std::string& sourceName, const std::filesystem::path& baseDir,
               const SectionKeys<C>& sections, const TopLevelKeys<C>& topLevel) {
    Reader reader(sourceName, baseDir);
    YAML::Node doc = parseYaml(text, sourceName);
    C config;
    config.sourceFile = sourceName;
    readDocument(doc, reader, sections, topLevel, config);
    return config;
}

} // namespace roomsd::config::detail
