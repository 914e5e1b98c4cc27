// One-line summaries of the Telnyx API's error bodies, for logs and messages.
// Thread-safety: pure functions.
#include "telnyx/error_body.hpp"

#include <boost/json.hpp>

#include "common/strings.hpp"
#include "telnyx/json_fields.hpp"

namespace json = boost::json;

namespace roomsd::telnyx {
namespace {

// "code 10015 Invalid parameter: detail (parameter page[size])"
std::string describeOneError(const json::object& err) {
    std::string out;
    std::string code = stringField(err, "code");
    if (code.empty()) {
        if (auto numeric = intField(err, "code")) code = std::to_string(*numeric);
    }
    std::string title = stringField(err, "title");
    std::string detail = stringField(err, "detail");
    if (!code.empty()) out += "code " + code;
    if (!title.empty()) out += (out.empty() ? "" : " ") + title;
    if (!detail.empty() && detail != title) out += (out.empty() ? "" : ": ") + detail;
    if (auto src = err.find("source"); src != err.end() && src->value().is_object()) {
        std::string parameter = stringField(src->value().get_object(), "parameter");
        std::string pointer = stringField(src->value().get_object(), "pointer");
        if (!parameter.empty())
            out += " (parameter " + parameter + ")";
        else if (!pointer.empty())
            out += " (at " + pointer + ")";
    }
    return out;
}

} // namespace

std::string describeErrorBody(std::string_view body) {
    if (trim(body).empty()) return "(empty body)";
    json::error_code ec;
    json::value value = json::parse(body, ec);
    if (ec || !value.is_object()) return quoteForLog(trim(body), 200);
    const json::object& obj = value.get_object();
    if (auto errors = obj.find("errors"); errors != obj.end() && errors->value().is_array()) {
        std::string out;
        std::size_t shown = 0;
        for (const auto& err : errors->value().get_array()) {
            if (!err.is_object()) continue;
            if (shown == 3) {
                out += "; ...";
                break;
            }
            std::string one = describeOneError(err.get_object());
            if (one.empty()) continue;
            out += (out.empty() ? "" : "; ") + one;
            ++shown;
        }
        if (!out.empty()) return printableForLog(out, 400);
    }
    if (obj.contains("code") || obj.contains("title")) {
        std::string one = describeOneError(obj);
        if (!one.empty()) return printableForLog(one, 400);
    }
    if (std::string message = stringField(obj, "message"); !message.empty()) return printableForLog(message, 400);
    return quoteForLog(trim(body), 200);
}

} // namespace roomsd::telnyx
