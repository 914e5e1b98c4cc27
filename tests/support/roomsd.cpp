#include "support/roomsd.hpp"

#include <SQLiteCpp/Statement.h>

#include <map>

namespace roomsd::test {

RoomsdSetup::RoomsdSetup(const SimProcess& sim, std::vector<std::pair<std::string, std::string>> extraYaml)
    : apiKey_(sim.apiKey()) {
    // section -> key -> value; the extra lines replace the defaults of the same key.
    std::map<std::string, std::map<std::string, std::string>> sections{
        {"telnyx", {{"base_url", sim.baseUrl()}, {"page_size", "50"}, {"timeout_secs", "10"}}},
        {"storage", {{"database", "mirror.db"}}},
        {"server", {{"socket", "roomsd.sock"}}},
        {"log", {{"level", "debug"}}},
    };
    for (const auto& [section, lines] : extraYaml) {
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
    std::string yaml;
    for (const auto& [section, keys] : sections) {
        yaml += section + ":\n";
        for (const auto& [key, value] : keys) yaml += "  " + key + ": " + value + "\n";
    }
    config_ = dir_ / "roomsd.yaml";
    writeFile(config_, yaml);
}

RunResult RoomsdSetup::run(const std::vector<std::string>& args, const std::string& key) const {
    std::vector<std::string> argv{(binDir() / "roomsd").string(), "--config", config_.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    SpawnOptions options;
    options.env["TELNYX_API_KEY"] = key.empty() ? apiKey_ : key;
    options.unsetEnv = {"CREDENTIALS_DIRECTORY", "JOURNAL_STREAM"};
    return test::run(argv, options, std::chrono::seconds(120));
}

RunResult RoomsdSetup::runOnce(const std::string& key) const { return run({"--once"}, key); }

SQLite::Database RoomsdSetup::open() const { return SQLite::Database(database(), SQLite::OPEN_READONLY); }

std::string queryOne(SQLite::Database& db, const std::string& sql) {
    SQLite::Statement q(db, sql);
    if (!q.executeStep()) return "NO ROW";
    return q.getColumn(0).isNull() ? "NULL" : q.getColumn(0).getString();
}

} // namespace roomsd::test
