// SimControl: requests to /_sim over libcurl, answers parsed with Boost.JSON.
// Thread-safety: see sim_control.hpp.
#include "support/sim_control.hpp"

#include <catch2/catch.hpp>

#include "support/json.hpp"

namespace roomsd::test {

namespace json = boost::json;

std::vector<SimRequest> SimRequestLog::to(const std::string& prefix) const {
    std::vector<SimRequest> out;
    for (const auto& r : requests)
        if (r.target.starts_with(prefix)) out.push_back(r);
    return out;
}

SimControl::SimControl(std::string rootUrl) : rootUrl_(std::move(rootUrl)) {}

HttpResponse SimControl::request(const std::string& method, const std::string& path, const std::string& body) const {
    HttpRequest request;
    request.method = method;
    request.url = rootUrl_ + path;
    request.body = body;
    if (!body.empty()) request.headers.push_back("Content-Type: application/json");
    return send(request);
}

HttpResponse SimControl::require200(const std::string& method, const std::string& path, const std::string& body) const {
    HttpResponse response = request(method, path, body);
    INFO(method << " " << path << " " << body.substr(0, 500) << " -> " << response.status << " " << response.error
                << " " << response.body.substr(0, 500));
    REQUIRE(response.status == 200);
    return response;
}

json::object SimControl::account() const { return parseJson(require200("GET", "/_sim/account").body).as_object(); }

json::value SimControl::mutate(const json::object& body) const {
    return parseJson(require200("POST", "/_sim/mutate", json::serialize(body)).body);
}

void SimControl::addFaults(const json::array& faults) const {
    require200("POST", "/_sim/faults", json::serialize(json::object{{"faults", faults}}));
}

void SimControl::clearFaults() const { require200("DELETE", "/_sim/faults"); }

SimRequestLog SimControl::requestLog() const {
    json::value log = parseJson(require200("GET", "/_sim/requests").body);
    SimRequestLog out;
    out.connectionsAccepted = log.at("connections_accepted").to_number<std::int64_t>();
    for (const auto& entry : log.at("requests").as_array()) {
        SimRequest r;
        r.method = json::value_to<std::string>(entry.at("method"));
        r.target = json::value_to<std::string>(entry.at("target"));
        r.status = entry.at("status").to_number<int>();
        auto at = parseTimestamp(entry.at("at").as_string());
        INFO("at: " << entry.at("at"));
        REQUIRE(at);
        r.at = *at;
        r.authorized = entry.at("authorized").as_bool();
        out.requests.push_back(std::move(r));
    }
    return out;
}

void SimControl::clearRequestLog() const { require200("DELETE", "/_sim/requests"); }

} // namespace roomsd::test
