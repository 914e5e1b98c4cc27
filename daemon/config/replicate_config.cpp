// roomsd-replicate's configuration file (see replicate_config.hpp).
// Thread-safety: see replicate_config.hpp.
#include "config/replicate_config.hpp"

#include <algorithm>
#include <cctype>

#include "common/strings.hpp"
#include "config/small_file.hpp"
#include "config/yaml_reader.hpp"

namespace fs = std::filesystem;

namespace roomsd::config {
namespace {

using detail::Reader;
using Config = ReplicateConfig;

// A PostgreSQL identifier that needs no quoting: what the replica's SQL can name safely.
std::string checkSchemaName(const Reader& r, const YAML::Node& n, const std::string& k) {
    std::string name = r.string(n, k);
    bool plain = name.size() <= 63 && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_') &&
                 std::all_of(name.begin(), name.end(),
                             [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
    if (!plain)
        r.fail(n, k,
               "must be a lower-case PostgreSQL name of at most 63 characters (a-z, 0-9, _; not starting with a "
               "digit), got " +
                   quoteForLog(name, 80));
    return name;
}

// The consumer names roomsd accepts (the change feed's contract): 1..64 of [A-Za-z0-9._-].
std::string checkConsumer(const Reader& r, const YAML::Node& n, const std::string& k) {
    std::string name = r.string(n, k);
    bool valid = name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
                     return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
                 });
    if (!valid) r.fail(n, k, "must be 1 to 64 of A-Z a-z 0-9 . _ -, got " + quoteForLog(name, 80));
    return name;
}

const detail::SectionKeys<Config>& sections() {
    static const detail::SectionKeys<Config> keys{
        {"mirror",
         {
             {"socket",
              [](const Reader& r, const YAML::Node& n, const std::string& k, Config& c) {
                  c.mirrorSocket = r.path(n, k);
                  if (c.mirrorSocket.string().size() > 107)
                      r.fail(n, k, "is longer than the 107 bytes a Unix socket path may have");
              }},
         }},
        {"postgres",
         {
             {"conninfo_file",
              [](const Reader& r, const YAML::Node& n, const std::string& k, Config& c) {
                  if (Reader::isNull(n))
                      c.conninfoFile.reset();
                  else
                      c.conninfoFile = r.path(n, k);
              }},
             {"schema", [](const Reader& r, const YAML::Node& n, const std::string& k,
                           Config& c) { c.schema = checkSchemaName(r, n, k); }},
         }},
        {"log",
         {
             {"level", [](const Reader& r, const YAML::Node& n, const std::string& k,
                          Config& c) { c.log.level = r.logLevel(n, k); }},
         }},
    };
    return keys;
}

const detail::TopLevelKeys<Config>& topLevel() {
    static const detail::TopLevelKeys<Config> keys{
        {"consumer", [](const Reader& r, const YAML::Node& n, const std::string& k,
                        Config& c) { c.consumer = checkConsumer(r, n, k); }},
        {"batch", [](const Reader& r, const YAML::Node& n, const std::string& k,
                     Config& c) { c.batch = static_cast<int>(r.integer(n, k, 1, 10000)); }},
        {"wait_secs", [](const Reader& r, const YAML::Node& n, const std::string& k,
                         Config& c) { c.waitSecs = static_cast<int>(r.integer(n, k, 0, 300)); }},
    };
    return keys;
}

Config parse(const std::string& text, const std::string& sourceName, const fs::path& baseDir) {
    return detail::loadDocument(text, sourceName, baseDir, sections(), topLevel());
}

} // namespace

ReplicateConfig loadReplicateConfig(const fs::path& path) {
    detail::ConfigText file = detail::readConfigFile(path);
    return parse(file.text, path.string(), file.baseDir);
}

ReplicateConfig loadReplicateConfigFromString(const std::string& yaml, const std::string& sourceName,
                                              const fs::path& baseDir) {
    return parse(yaml, sourceName, baseDir);
}

Result<Secret> loadConninfo(const ReplicateConfig& config, const std::map<std::string, std::string>& env) {
    fs::path file;
    std::string origin;
    if (config.conninfoFile) {
        file = *config.conninfoFile;
        origin = "postgres.conninfo_file " + file.string();
    } else if (auto dir = env.find("CREDENTIALS_DIRECTORY"); dir != env.end()) {
        file = fs::path(dir->second) / "pg_conninfo";
        origin = "the systemd credential " + file.string();
    } else {
        return fail(ErrorKind::Config, "no PostgreSQL connection string: set postgres.conninfo_file in " +
                                           config.sourceFile.string() +
                                           ", or run under systemd with LoadCredential=pg_conninfo:FILE");
    }
    std::string error;
    auto text = readSmallFile(file, error);
    if (!text) return fail(ErrorKind::Config, origin + ": " + error);
    std::string_view conninfo = trim(*text);
    if (conninfo.empty()) return fail(ErrorKind::Config, "the connection string in " + origin + " is empty");
    return Secret(std::string(conninfo));
}

} // namespace roomsd::config
