// SimProcess: telnyx-sim started with posix_spawn, its address read from its stdout.
// Thread-safety: see sim.hpp.
#include "support/sim.hpp"

#include <regex>
#include <stdexcept>

namespace roomsd::test {

SimProcess::SimProcess(const std::vector<std::string>& args) : apiKey_("sim-" + randomToken(24)) {
    std::vector<std::string> argv{(binDir() / "telnyx-sim").string(), "--host", "127.0.0.1", "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    SpawnOptions options;
    options.env["TELNYX_SIM_API_KEY"] = apiKey_;
    options.stdoutPath = dir_ / "stdout";
    options.stderrPath = dir_ / "stderr";
    process_ = std::make_unique<ChildProcess>(argv, options);
    static const std::regex kListening(R"(listening on http://127\.0\.0\.1:(\d+)/v2)");
    bool up = eventually(
        [&] {
            std::smatch m;
            std::string out = readFile(dir_ / "stdout");
            if (std::regex_search(out, m, kListening)) {
                port_ = std::stoi(m[1].str());
                return true;
            }
            return !process_->running();
        },
        std::chrono::seconds(20));
    if (!up || port_ == 0) throw std::runtime_error("telnyx-sim did not start: " + readFile(dir_ / "stderr"));
}

SimProcess::~SimProcess() {
    if (process_) process_->stop(std::chrono::seconds(5));
}

std::string SimProcess::baseUrl() const { return rootUrl() + "/v2"; }
std::string SimProcess::rootUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
std::string SimProcess::log() const { return readFile(dir_ / "stderr"); }

HttpResponse apiGet(const SimProcess& sim, const std::string& pathAndQuery) {
    return get(sim.baseUrl() + pathAndQuery, sim.apiKey());
}

} // namespace roomsd::test
