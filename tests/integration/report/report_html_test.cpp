// The HTML report in a real browser: headless Chromium (Debian's chromium package,
// installed by scripts/lib.sh) renders `roomsctl report all --format html` of a mirror
// of telnyx-sim, takes screenshots (wide and narrow) into build/report-html/, and
// dumps the DOM, in which every chart must have drawn its bars.
//
// No network request: Chromium is pointed (--proxy-server) at a listener this test owns,
// through which every request would have to go; it must see none. Chromium's own
// background calls to three Google hosts (time, component updates, accounts) are kept
// off the proxy and resolve to nothing, as a page has no reason to name those hosts. A
// control page with an <img> and a stylesheet from the network shows the listener does
// see what a page asks for.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "integration/ctl/ctl_fixture.hpp"

using namespace roomsd::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// A TCP listener on loopback that records the first line of every connection made to it.
class RecordingProxy {
public:
    RecordingProxy() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd_, 64) == 0);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~RecordingProxy() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    int port() const { return port_; }
    std::vector<std::string> requests() const {
        std::lock_guard lock(mutex_);
        return requests_;
    }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            pollfd r{c, POLLIN, 0};
            char buffer[512] = {};
            ssize_t n = ::poll(&r, 1, 2000) > 0 ? ::read(c, buffer, sizeof buffer - 1) : 0;
            std::string line(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
            std::lock_guard lock(mutex_);
            requests_.push_back(line.substr(0, line.find("\r\n")));
            ::close(c);
        }
    }

    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<std::string> requests_;
    std::thread thread_;
};

std::string chromiumPath() {
    for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
        if (fs::exists(candidate)) return candidate;
    return {};
}

// Runs headless Chromium on `page` with `action` (--screenshot=..., --dump-dom) and a new profile.
RunResult chromium(const fs::path& page, const std::vector<std::string>& action, const RecordingProxy& proxy,
                   const std::string& windowSize) {
    TempDir profile;
    const std::string noise = "update.googleapis.com;accounts.google.com;clients2.google.com";
    std::vector<std::string> argv{chromiumPath(),
                                  "--headless",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--disable-quic",
                                  "--no-first-run",
                                  "--disable-background-networking",
                                  "--disable-component-update",
                                  "--disable-sync",
                                  "--user-data-dir=" + profile.path().string(),
                                  "--proxy-server=http://127.0.0.1:" + std::to_string(proxy.port()),
                                  "--proxy-bypass-list=" + noise,
                                  "--host-resolver-rules=MAP update.googleapis.com ~NOTFOUND, MAP accounts.google.com "
                                  "~NOTFOUND, MAP clients2.google.com ~NOTFOUND",
                                  "--hide-scrollbars",
                                  "--window-size=" + windowSize};
    argv.insert(argv.end(), action.begin(), action.end());
    argv.push_back("file://" + page.string());
    return run(argv, {}, std::chrono::seconds(90));
}

// The width in a PNG's IHDR chunk, 0 when the file is not a PNG.
unsigned pngWidth(const fs::path& file) {
    std::string bytes = readFile(file);
    if (bytes.size() < 24 || bytes.compare(1, 3, "PNG") != 0) return 0;
    auto b = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[i])); };
    return (b(16) << 24) | (b(17) << 16) | (b(18) << 8) | b(19);
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

} // namespace

TEST_CASE("the HTML report renders in headless Chromium with every chart drawn and no network request") {
    REQUIRE_FALSE(chromiumPath().empty()); // scripts/test installs Debian's chromium (scripts/lib.sh)
    SimProcess sim({"--rooms", "30", "--seed", "7"});
    RoomsdDaemon daemon(sim);
    fs::path out = fs::path(ROOMSD_TEST_BUILD_DIR) / "report-html";
    fs::create_directories(out);
    fs::path page = out / "report.html";
    std::vector<std::string> period{"--from", "2026-05-01", "--to", "2026-05-31"};
    auto ctl = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--socket", daemon.socket().string(), "report", "all"});
        args.insert(args.end(), period.begin(), period.end());
        RunResult r = runRoomsctl(args);
        INFO(r.err);
        REQUIRE(r.exitCode == 0);
        return r.out;
    };
    ctl({"--format", "html", "--output", page.string()});
    json::object all = json::parse(ctl({"--format", "json"})).as_object();

    // The bars each chart must draw: a bar per row (total apart), the rankings capped at 20.
    std::size_t expectedMarks = 0;
    for (const auto& r : all.at("reports").as_array()) {
        std::string name(r.at("report").as_string());
        std::size_t rows = r.at("rows").as_array().size();
        if (name == "usage-by-day" || name == "session-durations") expectedMarks += rows;
        if (name == "top-rooms" || name == "peak-concurrency") expectedMarks += std::min<std::size_t>(rows, 20);
    }
    REQUIRE(expectedMarks > 31 + 8);

    RecordingProxy proxy;
    RunResult dom = chromium(page, {"--dump-dom"}, proxy, "1200,1800");
    INFO(dom.err.substr(0, 2000));
    REQUIRE(dom.exitCode == 0);
    CHECK(count(dom.out, "<svg class=\"chart\"") == 4);
    CHECK(count(dom.out, "<rect class=\"mark\"") == expectedMarks);
    CHECK(count(dom.out, "<section class=\"report\"") == 8);

    fs::remove(out / "report.png");
    fs::remove(out / "report-narrow.png");
    CHECK(chromium(page, {"--screenshot=" + (out / "report.png").string()}, proxy, "1100,1700").exitCode == 0);
    CHECK(chromium(page, {"--screenshot=" + (out / "report-narrow.png").string()}, proxy, "420,1600").exitCode == 0);
    CHECK(pngWidth(out / "report.png") == 1100);
    CHECK(pngWidth(out / "report-narrow.png") == 420);

    std::vector<std::string> seen = proxy.requests();
    INFO("requests through the proxy: " << seen.size() << (seen.empty() ? "" : ", first: " + seen.front()));
    CHECK(seen.empty());

    // The control: a page that does load from the network is seen by the same listener.
    TempDir control;
    writeFile(control / "leak.html", "<html><body><img src=\"http://example.invalid/x.png\">"
                                     "<link rel=\"stylesheet\" href=\"https://fonts.example/f.css\"></body></html>");
    RecordingProxy controlProxy;
    chromium(control / "leak.html", {"--dump-dom"}, controlProxy, "800,600");
    std::vector<std::string> leaked = controlProxy.requests();
    CHECK(std::count(leaked.begin(), leaked.end(), "GET http://example.invalid/x.png HTTP/1.1") == 1);
    CHECK(std::count(leaked.begin(), leaked.end(), "CONNECT fonts.example:443 HTTP/1.1") == 1);
}
