#include "config/config.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "common/strings.hpp"
#include "config/small_file.hpp"
#include "config/yaml_reader.hpp"

namespace fs = std::filesystem;

namespace roomsd::config {
namespace {

using detail::Reader;

bool isLoopbackHost(std::string_view host) {
    if (host == "localhost" || host == "::1" || host == "[::1]") return true;
    auto parts = split(host, '.');
    if (parts.size() != 4 || parts[0] != "127") return false;
    return std::all_of(parts.begin(), parts.end(), [](std::string_view p) {
        auto v = parseInteger(p);
        return v && *v >= 0 && *v <= 255 && p.size() <= 3;
    });
}

std::string checkBaseUrl(const Reader& r, const YAML::Node& node, const std::string& key) {
    std::string url = r.string(node, key);
    while (url.size() > 1 && url.back() == '/') url.pop_back();
    std::string_view rest;
    bool plain = false;
    if (url.rfind("https://", 0) == 0) {
        rest = std::string_view(url).substr(8);
    } else if (url.rfind("http://", 0) == 0) {
        rest = std::string_view(url).substr(7);
        plain = true;
    } else {
        r.fail(node, key, "must be an http:// or https:// URL, got " + quoteForLog(url, 80));
    }
    std::string_view authority = rest.substr(0, rest.find('/'));
    if (authority.empty()) r.fail(node, key, "has no host: " + quoteForLog(url, 80));
    if (authority.find('@') != std::string_view::npos)
        r.fail(node, key, "must not carry credentials; put the API key in telnyx.api_key_file");
    if (url.find_first_of("?#") != std::string::npos) r.fail(node, key, "must not have a query or fragment");
    if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20 || c >= 0x7F; }))
        r.fail(node, key, "must not contain spaces or control characters");
    std::string_view host = authority;
    if (!host.empty() && host.front() == '[') {
        host = host.substr(0, host.find(']') + 1);
    } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
        host = host.substr(0, colon);
    }
    if (plain && !isLoopbackHost(host))
        r.fail(node, key,
               "plain http:// is only allowed to a loopback host; use https:// so the API key is "
               "not sent in clear text");
    return url;
}

TcpEndpoint checkTcp(const Reader& r, const YAML::Node& node, const std::string& key) {
    std::string text = r.string(node, key);
    auto colon = text.rfind(':');
    if (colon == std::string::npos) r.fail(node, key, "expected host:port, got " + quoteForLog(text, 80));
    std::string host = text.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    auto port = parseInteger(std::string_view(text).substr(colon + 1));
    if (!port || *port < 0 || *port > 65535)
        r.fail(node, key, "port must be between 0 and 65535, got " + quoteForLog(text.substr(colon + 1), 20));
    if (!isLoopbackHost(host) || host.find_first_of("[]") != std::string::npos)
        r.fail(node, key,
               "must be a loopback address (127.0.0.1, ::1 or localhost), got " + quoteForLog(host, 80) +
                   ": the query API has no authentication of its own");
    if (host == "localhost") host = "127.0.0.1";
    return TcpEndpoint{host, static_cast<std::uint16_t>(*port)};
}

unsigned checkMode(const Reader& r, const YAML::Node& node, const std::string& key) {
    const std::string& text = r.scalar(node, key, "an octal mode such as \"0660\"");
    bool octal = (text.size() == 3 || text.size() == 4) &&
                 std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '7'; });
    if (!octal) r.fail(node, key, "expected an octal mode such as \"0660\", got " + quoteForLog(text, 20));
    unsigned mode = static_cast<unsigned>(std::stoul(text, nullptr, 8));
    if (mode > 0777) r.fail(node, key, "must be at most 0777");
    if ((mode & 0600) != 0600) r.fail(node, key, "must let the owner read and write (0600 at least)");
    return mode;
}

#define ROOMSD_INT(section, member, min, max)                                                                          \
    [](const Reader& r, const YAML::Node& n, const std::string& k, Config& c) {                                        \
        c.section.member = static_cast<decltype(c.section.member)>(r.integer(n, k, min, max));                         \
    }

const detail::SectionKeys<Config>& knownKeys() {
    static const detail::SectionKeys<Config> keys{
        {"telnyx",
         {
             {"base_url", [](const Reader& r, const YAML::Node& n, const std::string& k,
                             Config& c) { c.telnyx.baseUrl = checkBaseUrl(r, n, k); }},
             {"api_key_file",
              [](const Reader& r, const YAML::Node& n, const std::string& k, Config& c) {
                  if (Reader::isNull(n))
                      c.telnyx.apiKeyFile.reset();
                  else
                      c.telnyx.apiKeyFile = r.path(n, k);
              }},
             {"page_size", ROOMSD_INT(telnyx, pageSize, 1, 250)},
             {"timeout_secs", ROOMSD_INT(telnyx, timeoutSecs, 1, 3600)},
             {"connect_timeout_secs", ROOMSD_INT(telnyx, connectTimeoutSecs, 1, 600)},
             {"max_in_flight", ROOMSD_INT(telnyx, maxInFlight, 1, 32)},
             {"max_retries", ROOMSD_INT(telnyx, maxRetries, 0, 20)},
         }},
        {"sync",
         {
             {"interval_secs", ROOMSD_INT(sync, intervalSecs, 1, 7 * 86400)},
             {"lookback_days", ROOMSD_INT(sync, lookbackDays, 0, 365)},
             {"reconcile_every_hours", ROOMSD_INT(sync, reconcileEveryHours, 0, 24 * 365)},
         }},
        {"storage",
         {
             {"database", [](const Reader& r, const YAML::Node& n, const std::string& k,
                             Config& c) { c.storage.database = r.path(n, k); }},
             {"sync_runs_retention_days", ROOMSD_INT(storage, syncRunsRetentionDays, 1, 3650)},
         }},
        {"server",
         {
             {"socket",
              [](const Reader& r, const YAML::Node& n, const std::string& k, Config& c) {
                  c.server.socket = r.path(n, k);
                  // sockaddr_un::sun_path holds 108 bytes with the terminating NUL.
                  if (c.server.socket.string().size() > 107)
                      r.fail(n, k, "is longer than the 107 bytes a Unix socket path may have");
              }},
             {"socket_mode", [](const Reader& r, const YAML::Node& n, const std::string& k,
                                Config& c) { c.server.socketMode = checkMode(r, n, k); }},
             {"tcp",
              [](const Reader& r, const YAML::Node& n, const std::string& k, Config& c) {
                  if (Reader::isNull(n))
                      c.server.tcp.reset();
                  else
                      c.server.tcp = checkTcp(r, n, k);
              }},
             {"tcp_token_file",
              [](const Reader& r, const YAML::Node& n, const std::string& k, Config& c) {
                  if (Reader::isNull(n))
                      c.server.tcpTokenFile.reset();
                  else
                      c.server.tcpTokenFile = r.path(n, k);
              }},
             {"max_connections", ROOMSD_INT(server, maxConnections, 1, 10000)},
             {"request_timeout_secs", ROOMSD_INT(server, requestTimeoutSecs, 1, 3600)},
             {"max_body_bytes", ROOMSD_INT(server, maxBodyBytes, 1024, 64ll << 20)},
             {"sql_timeout_ms", ROOMSD_INT(server, sqlTimeoutMs, 10, 600000)},
             {"sql_max_rows", ROOMSD_INT(server, sqlMaxRows, 1, 10000000)},
             {"sql_max_bytes", ROOMSD_INT(server, sqlMaxBytes, 1024, 1ll << 30)},
             {"sql_max_export_bytes", ROOMSD_INT(server, sqlMaxExportBytes, 1024, 1ll << 40)},
         }},
        {"changes",
         {
             {"retain_days", ROOMSD_INT(changes, retainDays, 1, 3650)},
             {"retain_count", ROOMSD_INT(changes, retainCount, 1000, 1000000000)},
         }},
        {"reports",
         {
             {"dir", [](const Reader& r, const YAML::Node& n, const std::string& k,
                        Config& c) { c.reports.dir = r.path(n, k); }},
         }},
        {"log",
         {
             {"level", [](const Reader& r, const YAML::Node& n, const std::string& k,
                          Config& c) { c.log.level = r.logLevel(n, k); }},
         }},
    };
    return keys;
}

#undef ROOMSD_INT

Config parse(const std::string& text, const std::string& sourceName, const fs::path& baseDir) {
    return detail::loadDocument(text, sourceName, baseDir, knownKeys(), detail::TopLevelKeys<Config>{});
}

} // namespace

Config loadConfig(const fs::path& path) {
    detail::ConfigText file = detail::readConfigFile(path);
    return parse(file.text, path.string(), file.baseDir);
}

Config loadConfigFromString(const std::string& yaml, const std::string& sourceName, const fs::path& baseDir) {
    return parse(yaml, sourceName, baseDir);
}

} // namespace roomsd::config
