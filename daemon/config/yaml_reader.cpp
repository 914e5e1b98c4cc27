// The shared YAML reading of daemon/config (see yaml_reader.hpp).
// Thread-safety: see yaml_reader.hpp.
#include "config/yaml_reader.hpp"

#include "config/small_file.hpp"

namespace fs = std::filesystem;

namespace roomsd::config::detail {
namespace {

std::string kindName(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Null: return "nothing";
    default: return "a scalar";
    }
}

} // namespace

void Reader::fail(const YAML::Node& node, const std::string& key, const std::string& message) const {
    std::string where = source_;
    if (node.IsDefined() && !node.Mark().is_null()) where += ":" + std::to_string(node.Mark().line + 1);
    // The key comes from the file: an unknown one is whatever bytes it holds.
    throw ConfigError(where + ": " + (key.empty() ? "" : printableForLog(key) + ": ") + message);
}

const std::string& Reader::scalar(const YAML::Node& node, const std::string& key, const char* expected) const {
    if (!node.IsScalar()) fail(node, key, std::string("expected ") + expected + ", got " + kindName(node));
    return node.Scalar();
}

long long Reader::integer(const YAML::Node& node, const std::string& key, long long min, long long max) const {
    const std::string& text = scalar(node, key, "an integer");
    auto value = node.Tag() == "!" ? std::nullopt : parseInteger(text);
    if (!value) fail(node, key, "expected an integer, got " + quoteForLog(text, 40));
    if (*value < min || *value > max)
        fail(node, key,
             "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
                 std::to_string(*value));
    return *value;
}

std::string Reader::string(const YAML::Node& node, const std::string& key) const {
    const std::string& text = scalar(node, key, "a string");
    if (trim(text).empty()) fail(node, key, "must not be empty");
    return text;
}

fs::path Reader::path(const YAML::Node& node, const std::string& key) const {
    fs::path p(string(node, key));
    return p.is_absolute() ? p : (baseDir_ / p).lexically_normal();
}

std::string Reader::logLevel(const YAML::Node& node, const std::string& key) const {
    static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
    std::string level = string(node, key);
    if (!levels.count(level))
        fail(node, key, "must be one of trace, debug, info, warn, error, off; got " + quoteForLog(level, 20));
    return level;
}

YAML::Node parseYaml(const std::string& text, const std::string& sourceName) {
    try {
        return YAML::Load(text);
    } catch (const YAML::Exception& e) {
        std::string where = sourceName;
        if (!e.mark.is_null()) where += ":" + std::to_string(e.mark.line + 1);
        throw ConfigError(where + ": not valid YAML: " + printableForLog(e.msg));
    }
}

ConfigText readConfigFile(const fs::path& path) {
    std::string error;
    auto text = readSmallFile(path, error);
    if (!text) throw ConfigError(error);
    return {std::move(*text), path.parent_path().empty() ? fs::current_path() : fs::absolute(path.parent_path())};
}

} // namespace roomsd::config::detail
