#include "sim_control.hpp"

#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "support/http.hpp"

namespace json = boost::json;

namespace roomsd::test {

namespace {

json::value getJson(const std::string& url) {
    HttpResponse response = get(url);
    INFO(url << " -> " << response.status << " " << response.error << " " << response.body);
    REQUIRE(response.status == 200);
    return json::parse(response.body);
}

} // namespace

std::vector<SimRequest> SimRequestLog::to(const std::string& prefix) const {
    std::vector<SimRequest> out;
    for (const auto& r : requests)
        if (r.target.rfind(prefix, 0) == 0) out.push_back(r);
    return out;
}

void addFaults(const SimProcess& sim, const json::array& faults) {
    HttpRequest request;
    request.method = "POST";
    request.url = sim.rootUrl() + "/_sim/faults";
    request.headers = {"Content-Type: application/json"};
    request.body = json::serialize(json::object{{"faults", faults}});
    HttpResponse response = send(request);
    INFO(request.body << " -> " << response.status << " " << response.body);
    REQUIRE(response.status / 100 == 2);
}

SimRequestLog requestLog(const SimProcess& sim) {
    json::value log = getJson(sim.rootUrl() + "/_sim/requests");
    SimRequestLog out;
    out.connectionsAccepted = log.at("connections_accepted").to_number<std::int64_t>();
    for (const auto& entry : log.at("requests").as_array()) {
        SimRequest r;
        r.method = json::value_to<std::string>(entry.at("method"));
        r.target = json::value_to<std::string>(entry.at("target"));
        r.status = entry.at("status").to_number<int>();
        auto at = parseTimestamp(entry.at("at").as_string());
        REQUIRE(at);
        r.at = *at;
        r.authorized = entry.at("authorized").as_bool();
        out.requests.push_back(std::move(r));
    }
    return out;
}

void clearRequestLog(const SimProcess& sim) {
    HttpRequest request;
    request.method = "DELETE";
    request.url = sim.rootUrl() + "/_sim/requests";
    HttpResponse response = send(request);
    REQUIRE(response.status / 100 == 2);
}

json::object simAccount(const SimProcess& sim) { return getJson(sim.rootUrl() + "/_sim/account").as_object(); }

std::int64_t millisBetween(const Timestamp& a, const Timestamp& b) { return (b.micros - a.micros) / 1000; }

LogCapture::LogCapture() : out_(std::make_shared<std::ostringstream>()), previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*out_);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

LogCapture::~LogCapture() { spdlog::set_default_logger(previous_); }

std::string LogCapture::text() const {
    spdlog::default_logger()->flush();
    return out_->str();
}

} // namespace roomsd::test
