#include "support/json.hpp"

#include <catch2/catch.hpp>

namespace roomsd::test {

namespace json = boost::json;

json::value parseJson(const std::string& text) {
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    INFO("body: " << text.substr(0, 500));
    REQUIRE_FALSE(ec);
    return value;
}

std::vector<std::string> idsOf(const json::array& records) {
    std::vector<std::string> ids;
    for (const auto& record : records) ids.emplace_back(record.at("id").as_string());
    return ids;
}

std::set<std::string> idSetOf(const json::array& records) {
    std::vector<std::string> ids = idsOf(records);
    return {ids.begin(), ids.end()};
}

} // namespace roomsd::test
