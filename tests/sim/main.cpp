// telnyx-sim: a local stand-in for the Telnyx rooms API, for roomsd's tests, demo and benchmarks.
//
// Generates a deterministic account from --rooms/--seed/--anchor/--days, serves it
// on a loopback port under /v2 exactly as the spec describes, and lets tests steer
// it through /_sim. Prints one line, "telnyx-sim listening on http://HOST:PORT/v2",
// when it is ready; everything else goes to stderr. SIGTERM or SIGINT stop it (exit 0).
// Exit status 2: bad usage (no API key, a non-loopback host, a bad option value).
#include <CLI/CLI.hpp>
#include <boost/asio.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "account.hpp"
#include "common/strings.hpp"
#include "common/time.hpp"
#include "common/version.hpp"
#include "generator.hpp"
#include "server.hpp"
#include "spec.hpp"

namespace {

namespace net = boost::asio;
using namespace roomsd;
using namespace roomsd::sim;

constexpr int kUsageError = 2;
constexpr const char* kKeyVariable = "TELNYX_SIM_API_KEY";

struct CommandLine {
    std::string host = "127.0.0.1";
    int port = 0;
    std::int64_t rooms = 50;
    std::uint64_t seed = 1;
    std::string anchor = "2026-06-01T00:00:00Z";
    std::int64_t days = 30;
    std::string apiKey;
    std::int64_t rateLimit = 0;
    std::int64_t rateWindowSecs = 1;
    std::int64_t latencyMs = 0;
    bool noGzip = false;
    bool verbose = false;
    std::string spec = roomsd::sim::defaultSpecPath();
    std::string order = "newest-first";
    std::int64_t hardLimit = 0;
    std::int64_t activityEveryRequests = 0;
    std::int64_t activityIntervalMs = 0;
    std::int64_t activityChanges = 1;
    std::optional<std::uint64_t> activitySeed;
    bool activityBumpsParents = false;
    std::optional<std::uint64_t> faultSeed;
};

int usageError(const std::string& message) {
    std::cerr << "telnyx-sim: " << message << '\n';
    return kUsageError;
}

// The address to listen on, if `host` is a loopback address (or "localhost").
std::optional<net::ip::address> loopbackAddress(const std::string& host) {
    if (host == "localhost") return net::ip::make_address("127.0.0.1");
    boost::system::error_code ec;
    net::ip::address address = net::ip::make_address(host, ec);
    if (ec || !address.is_loopback()) return std::nullopt;
    return address;
}

std::string urlHost(const net::ip::address& address) {
    return address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
}

int serve(const CommandLine& cli) {
    auto address = loopbackAddress(cli.host);
    if (!address)
        return usageError("--host must be a loopback address (127.0.0.1, ::1 or localhost), not " +
                          quoteForLog(cli.host) + ": the simulator's control endpoints have no authentication");
    std::string key = cli.apiKey;
    if (key.empty())
        if (const char* fromEnvironment = std::getenv(kKeyVariable)) key = fromEnvironment;
    if (key.empty()) return usageError(std::string("no API key: pass --api-key KEY or set ") + kKeyVariable);
    std::optional<Timestamp> anchor = cli.anchor == "now" ? std::optional(nowUtc()) : parseTimestamp(cli.anchor);
    if (!anchor) return usageError("--anchor must be an ISO 8601 date-time such as 2026-06-01T00:00:00Z, or now");

    auto spec = ApiSpec::load(cli.spec);
    if (!spec) return usageError(spec.error().message);
    std::optional<ListOrder> order = listOrderNamed(cli.order);
    if (!order)
        return usageError("--order must be newest-first, updated-ascending or oldest-first, not " +
                          quoteForLog(cli.order));

    GeneratorOptions generator{cli.rooms, cli.seed, *anchor, cli.days};
    GeneratedAccount generated = generateAccount(**spec, generator);
    std::cerr << "telnyx-sim: " << generated.rooms.size() << " rooms, " << generated.sessions.size() << " sessions, "
              << generated.participants.size() << " participants (seed " << cli.seed << ", anchor "
              << formatTimestamp(*anchor) << ", " << cli.days << " days)\n";

    ServerOptions options;
    options.address = *address;
    options.port = static_cast<unsigned short>(cli.port);
    options.apiKey = Secret(std::move(key));
    options.rateLimit = cli.rateLimit;
    options.rateWindow = std::chrono::seconds(cli.rateWindowSecs);
    options.latency = std::chrono::milliseconds(cli.latencyMs);
    options.gzip = !cli.noGzip;
    options.verbose = cli.verbose;
    options.hardLimit = cli.hardLimit;
    options.activity = ActivityOptions{cli.activitySeed.value_or(cli.seed), cli.activityBumpsParents,
                                       cli.activityEveryRequests, cli.activityIntervalMs, cli.activityChanges};
    options.faultSeed = cli.faultSeed.value_or(cli.seed);

    net::io_context io(1);
    std::optional<SimServer> server;
    try {
        server.emplace(io, std::move(options),
                       Account(*spec, std::move(generated), cli.seed ^ 0x9E3779B97F4A7C15ULL, *order));
    } catch (const boost::system::system_error& e) {
        std::cerr << "telnyx-sim: cannot listen on " << urlHost(*address) << ':' << cli.port << ": "
                  << e.code().message() << '\n';
        return 1;
    }
    net::signal_set signals(io, SIGINT, SIGTERM);
    net::steady_timer deadline(io);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (ec) return;
        std::cerr << "telnyx-sim: stopping\n";
        // Connections get two seconds to wind down; then the loop stops regardless.
        deadline.expires_after(std::chrono::seconds(2));
        deadline.async_wait([&](const boost::system::error_code& waitError) {
            if (!waitError) io.stop();
        });
        server->stop([&] { deadline.cancel(); });
    });
    server->start();
    std::cout << "telnyx-sim listening on http://" << urlHost(*address) << ':' << server->port() << "/v2" << std::endl;
    io.run();
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    CommandLine cli;
    CLI::App app("telnyx-sim: a local simulator of the Telnyx rooms API (rooms, room sessions, room participants)",
                 "telnyx-sim");
    app.set_version_flag("--version", std::string("telnyx-sim ") + roomsd::kVersion);
    app.add_option("--host", cli.host, "Loopback address to listen on")->capture_default_str();
    app.add_option("--port", cli.port, "TCP port; 0 picks a free one")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    app.add_option("--rooms", cli.rooms, "Number of rooms to generate")
        ->capture_default_str()
        ->check(CLI::Range(0, 1000000));
    app.add_option("--seed", cli.seed, "Seed of the generated account")->capture_default_str();
    app.add_option("--anchor", cli.anchor, "Newest timestamp of the account (ISO 8601), or now")->capture_default_str();
    app.add_option("--days", cli.days, "Days of history before the anchor")
        ->capture_default_str()
        ->check(CLI::Range(1, 36500));
    app.add_option("--api-key", cli.apiKey, std::string("API key clients must send (default: $") + kKeyVariable + ")");
    app.add_option("--rate-limit", cli.rateLimit, "Requests per window and key; 0 means unlimited")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000000000}));
    app.add_option("--rate-window-secs", cli.rateWindowSecs, "Length of the rate-limit window")
        ->capture_default_str()
        ->check(CLI::Range(1, 86400));
    app.add_option("--latency-ms", cli.latencyMs, "Delay added before each /v2 answer")
        ->capture_default_str()
        ->check(CLI::Range(0, 600000));
    app.add_flag("--no-gzip", cli.noGzip, "Never compress responses");
    app.add_option("--spec", cli.spec, "The OpenAPI file the simulator reads its routes, parameters and schemas from")
        ->capture_default_str();
    app.add_option("--order", cli.order, "Order of lists: newest-first, updated-ascending or oldest-first")
        ->capture_default_str();
    app.add_option("--hard-limit", cli.hardLimit, "At most N /v2 requests in any rolling second (429 past it); 0: none")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000000}));
    app.add_option("--activity-every-requests", cli.activityEveryRequests,
                   "Apply --activity-changes changes after every Nth /v2 list request; 0: never")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{1000000}));
    app.add_option("--activity-interval-ms", cli.activityIntervalMs,
                   "Apply --activity-changes changes every M ms; 0: never")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{0}, std::int64_t{3600000}));
    app.add_option("--activity-changes", cli.activityChanges, "Changes per activity trigger")
        ->capture_default_str()
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{10000}));
    app.add_option("--activity-seed", cli.activitySeed, "Seed of the activity's choices (default: --seed)");
    app.add_flag("--activity-bumps-parents", cli.activityBumpsParents,
                 "A session or participant change also bumps its room's updated_at");
    app.add_option("--fault-seed", cli.faultSeed, "Seed of the draws of fault rules with a rate (default: --seed)");
    app.add_flag("--verbose", cli.verbose, "Log each request (method, target, status) to stderr");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : kUsageError;
    }
    try {
        return serve(cli);
    } catch (const std::exception& e) {
        std::cerr << "telnyx-sim: " << roomsd::printableForLog(e.what()) << '\n';
        return 1;
    }
}
