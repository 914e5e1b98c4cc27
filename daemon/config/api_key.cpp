// Where the Telnyx API key (and server.tcp_token_file's token) come from, and what makes one usable.
// Thread-safety: see config.hpp.
#include <algorithm>
#include <cstdlib>

#include "common/strings.hpp"
#include "config/config.hpp"
#include "config/small_file.hpp"

namespace fs = std::filesystem;

namespace roomsd::config {
namespace {

// The key itself is never part of a message: only where it came from and what is wrong with it.
Result<Secret> checkKey(std::string_view raw, const std::string& origin, const std::string& what = "the API key") {
    std::string_view key = trim(raw);
    if (key.empty()) return fail(ErrorKind::Config, what + " from " + origin + " is empty");
    if (key.size() > 1024) return fail(ErrorKind::Config, what + " from " + origin + " is longer than 1024 bytes");
    bool printable = std::all_of(key.begin(), key.end(), [](unsigned char c) { return c > 0x20 && c < 0x7F; });
    if (!printable)
        return fail(ErrorKind::Config, what + " from " + origin +
                                           " contains spaces, line breaks or non-ASCII characters; it must be the "
                                           "key alone");
    return Secret(std::string(key));
}

} // namespace

std::map<std::string, std::string> apiKeyEnvironment() {
    std::map<std::string, std::string> env;
    for (const char* name : {"TELNYX_API_KEY", "CREDENTIALS_DIRECTORY"})
        if (const char* value = std::getenv(name)) env[name] = value;
    return env;
}

Result<Secret> loadApiKey(const Config& config, const std::map<std::string, std::string>& env) {
    auto found = findApiKey(config, env);
    if (!found) return std::move(found).error();
    return std::move(found->key);
}

Result<ApiKey> findApiKey(const Config& config, const std::map<std::string, std::string>& env) {
    auto checked = [](std::string_view raw, std::string source) -> Result<ApiKey> {
        auto key = checkKey(raw, source);
        if (!key) return std::move(key).error();
        return ApiKey{std::move(*key), std::move(source)};
    };
    std::string error;
    if (config.telnyx.apiKeyFile) {
        auto text = readSmallFile(*config.telnyx.apiKeyFile, error);
        if (!text) return fail(ErrorKind::Config, "telnyx.api_key_file: " + error);
        return checked(*text, "telnyx.api_key_file " + config.telnyx.apiKeyFile->string());
    }
    if (auto dir = env.find("CREDENTIALS_DIRECTORY"); dir != env.end()) {
        fs::path credential = fs::path(dir->second) / "api_key";
        std::error_code ec;
        if (fs::exists(credential, ec)) {
            auto text = readSmallFile(credential, error);
            if (!text) return fail(ErrorKind::Config, "systemd credential api_key: " + error);
            return checked(*text, "the systemd credential " + credential.string());
        }
    }
    if (auto key = env.find("TELNYX_API_KEY"); key != env.end())
        return checked(key->second, "the TELNYX_API_KEY environment variable");
    return fail(ErrorKind::Config, "no Telnyx API key: set telnyx.api_key_file in " + config.sourceFile.string() +
                                       ", or the TELNYX_API_KEY environment variable");
}

Result<std::optional<Secret>> loadTcpToken(const Config& config) {
    if (!config.server.tcpTokenFile) return std::optional<Secret>();
    std::string error;
    auto text = readSmallFile(*config.server.tcpTokenFile, error);
    if (!text) return fail(ErrorKind::Config, "server.tcp_token_file: " + error);
    auto token = checkKey(*text, "server.tcp_token_file " + config.server.tcpTokenFile->string(), "the token");
    if (!token) return std::move(token).error();
    return std::optional<Secret>(std::move(*token));
}

} // namespace roomsd::config
