// The roomsd config writer, its test environment and RoomsdSetup. Thread-safety: see roomsd.hpp.
#include "support/roomsd.hpp"

#include <SQLiteCpp/Statement.h>

#include <map>

namespace roomsd::test {

namespace fs = std::filesystem;

fs::path writeRoomsdConfig(const fs::path& dir, const SimProcess& sim, const fs::path& socket, const ConfigYaml& yaml) {
    // section -> key -> value; the lines of `yaml` replace the defaults of the same key.
    std::map<std::string, std::map<std::string, std::string>> sections{
        {"telnyx", {{"base_url", sim.baseUrl()}}},
        {"storage", {{"database", (dir / "mirror.db").string()}}},
        {"server", {{"socket", socket.string()}}},
        {"log", {{"level", "debug"}}},
    };
    for (const auto& [section, lines] : yaml) {
        std::size_t start = 0;
        while (start < lines.size()) {
            std::size_t end = lines.find('\n', start);
            std::string line = lines.substr(start, end == std::string::npos ? std::string::npos : end - start);
            start = end == std::string::npos ? lines.size() : end + 1;
            auto colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string key = line.substr(0, colon);
            key.erase(0, key.find_first_not_of(' '));
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            sections[section][key] = value;
        }
    }
    std::string text;
    for (const auto& [section, keys] : sections) {
        text += section + ":\n";
        for (const auto& [key, value] : keys) text += "  " + key + ": " + value + "\n";
    }
    fs::path config = dir / "roomsd.yaml";
    writeFile(config, text);
    return config;
}

SpawnOptions roomsdEnvironment(const std::string& apiKey) {
    SpawnOptions options;
    options.env["TELNYX_API_KEY"] = apiKey;
    options.unsetEnv = {"CREDENTIALS_DIRECTORY", "JOURNAL_STREAM", "NOTIFY_SOCKET", "WATCHDOG_USEC"};
    return options;
}

RoomsdSetup::RoomsdSetup(const SimProcess& sim, const ConfigYaml& extraYaml) : apiKey_(sim.apiKey()) {
    ConfigYaml yaml{{"telnyx", "page_size: 50\ntimeout_secs: 10"}};
    yaml.insert(yaml.end(), extraYaml.begin(), extraYaml.end());
    config_ = writeRoomsdConfig(dir_.path(), sim, socket(), yaml);
}

RunResult RoomsdSetup::run(const std::vector<std::string>& args, const std::string& key) const {
    std::vector<std::string> argv{(binDir() / "roomsd").string(), "--config", config_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return test::run(argv, roomsdEnvironment(key.empty() ? apiKey_ : key), std::chrono::seconds(120));
}

RunResult RoomsdSetup::runOnce(const std::string& key) const { return run({"--once"}, key); }

ChildProcess RoomsdSetup::start(const std::vector<std::string>& args, const fs::path& stderrPath) const {
    std::vector<std::string> argv{(binDir() / "roomsd").string(), "--config", config_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    SpawnOptions options = roomsdEnvironment(apiKey_);
    options.stderrPath = stderrPath;
    return ChildProcess(argv, options);
}

SQLite::Database RoomsdSetup::open() const { return SQLite::Database(database(), SQLite::OPEN_READONLY); }

std::string queryOne(SQLite::Database& db, const std::string& sql) {
    SQLite::Statement q(db, sql);
    if (!q.executeStep()) return "NO ROW";
    return q.getColumn(0).isNull() ? "NULL" : q.getColumn(0).getString();
}

} // namespace roomsd::test
