#include "control.hpp"

#include <boost/json.hpp>

namespace roomsd::sim {
namespace {

namespace json = boost::json;

ControlReply error(unsigned status, std::string message) {
    return {status, json::serialize(json::object{{"error", std::move(message)}})};
}

ControlReply ok(const json::value& body) { return {200, json::serialize(body)}; }

ControlReply fromError(const Error& e) { return error(e.kind == ErrorKind::NotFound ? 404 : 422, e.message); }

Result<json::value> parseBody(std::string_view body) {
    boost::system::error_code ec;
    json::value value = json::parse(body, ec);
    if (ec) return fail(ErrorKind::Usage, "the body is not JSON: " + ec.message());
    return value;
}

ControlReply mutate(SimulatorState& state, std::string_view body, Timestamp now) {
    auto parsed = parseBody(body);
    if (!parsed) return fromError(parsed.error());
    const json::object* request = parsed->if_object();
    if (request == nullptr) return error(422, "the body must be a JSON object");
    auto text = [&](std::string_view key) -> std::string {
        const json::value* v = request->if_contains(key);
        return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    std::string op = text("op");
    const StreamSchema* schema = state.account.spec().findSchema(text("stream"));
    if (schema == nullptr) return error(422, "stream must be rooms, room_sessions or room_participants");
    std::string id = text("id");
    if (op == "update") {
        const json::value* set = request->if_contains("set");
        if (id.empty() || set == nullptr || !set->is_object())
            return error(422, "update needs a string id and a set object");
        if (const json::value* extra = request->if_contains("extra")) {
            if (!extra->is_object()) return error(422, "extra must be an object of fields the spec does not list");
            if (auto added = state.account.setExtraFields(schema->stream, id, extra->as_object()); !added)
                return fromError(added.error());
        }
        auto updated = state.account.update(schema->stream, id, set->as_object(), now);
        if (!updated) return fromError(updated.error());
        return ok(state.account.render(schema->stream, *updated, false));
    }
    if (op == "delete") {
        if (id.empty()) return error(422, "delete needs a string id");
        if (auto removed = state.account.remove(schema->stream, id); !removed) return fromError(removed.error());
        return ok(json::object{{"deleted", id}});
    }
    if (op == "create") {
        const json::value* record = request->if_contains("record");
        if (record == nullptr || !record->is_object()) return error(422, "create needs a record object");
        auto created = state.account.create(schema->stream, record->as_object(), now);
        if (!created) return fromError(created.error());
        return ok(state.account.render(schema->stream, *created, false));
    }
    return error(422, "op must be update, delete or create");
}

ControlReply faults(SimulatorState& state, std::string_view method, std::string_view body) {
    if (method == "GET") return ok(state.faults.toJson());
    if (method == "DELETE") {
        state.faults.clear();
        return ok(state.faults.toJson());
    }
    if (method != "POST") return error(405, "use GET, POST or DELETE on /_sim/faults");
    auto parsed = parseBody(body);
    if (!parsed) return fromError(parsed.error());
    auto rules = parseFaultRules(*parsed);
    if (!rules) return fromError(rules.error());
    state.faults.append(std::move(*rules));
    return ok(state.faults.toJson());
}

json::object changesJson(const std::vector<ActivityChange>& changes, std::uint64_t total) {
    json::array list;
    for (const ActivityChange& c : changes) {
        json::array touched;
        for (const auto& [stream, id] : c.touched) touched.push_back(json::object{{"stream", stream}, {"id", id}});
        list.push_back(json::object{{"change", c.change},
                                    {"stream", c.stream},
                                    {"id", c.id},
                                    {"at", formatTimestamp(c.at)},
                                    {"touched", touched}});
    }
    return json::object{{"applied", std::move(list)}, {"changes_applied", total}};
}

ControlReply activity(SimulatorState& state, std::string_view method, std::string_view body, Timestamp now) {
    if (method == "GET") return ok(state.activity.toJson());
    if (method != "POST" && method != "PUT") return error(405, "use GET, POST or PUT on /_sim/activity");
    auto parsed = parseBody(body);
    if (!parsed) return fromError(parsed.error());
    if (!parsed->is_object()) return error(422, "the body must be a JSON object");
    const json::object& request = parsed->as_object();
    if (method == "POST") {
        const json::value* changes = request.if_contains("changes");
        if (request.size() != 1 || changes == nullptr || !changes->is_int64() || changes->as_int64() < 1 ||
            changes->as_int64() > 10000)
            return error(422, "POST /_sim/activity takes {\"changes\":K}, K in 1..10000");
        auto applied = state.activity.apply(state.account, changes->as_int64(), now);
        return ok(changesJson(applied, state.activity.changesApplied()));
    }
    auto options = activityOptionsFromJson(request, state.activity.options());
    if (!options) return fromError(options.error());
    state.activity.configure(*options);
    return ok(state.activity.toJson());
}

ControlReply order(SimulatorState& state, std::string_view method, std::string_view body) {
    if (method == "PUT") {
        auto parsed = parseBody(body);
        if (!parsed) return fromError(parsed.error());
        const json::value* name = parsed->is_object() ? parsed->as_object().if_contains("order") : nullptr;
        auto chosen = name != nullptr && name->is_string() ? listOrderNamed(name->as_string()) : std::nullopt;
        if (!chosen) return error(422, "order must be newest-first, updated-ascending or oldest-first");
        state.account.setOrder(*chosen);
    } else if (method != "GET") {
        return error(405, "use GET or PUT on /_sim/order");
    }
    return ok(json::object{{"order", nameOf(state.account.order())}});
}

} // namespace

ControlReply answerControlRequest(SimulatorState& state, std::string_view method, std::string_view target,
                                  std::string_view body, Timestamp now) {
    std::string_view path = target.substr(0, target.find('?'));
    if (path == "/_sim/account") {
        if (method != "GET") return error(405, "use GET on /_sim/account");
        return ok(state.account.renderAll());
    }
    if (path == "/_sim/faults") return faults(state, method, body);
    if (path == "/_sim/requests") {
        if (method == "DELETE")
            state.requests.clear();
        else if (method != "GET")
            return error(405, "use GET or DELETE on /_sim/requests");
        return ok(state.requests.toJson(state.connectionsAccepted));
    }
    if (path == "/_sim/activity") return activity(state, method, body, now);
    if (path == "/_sim/order") return order(state, method, body);
    if (path == "/_sim/mutate") {
        if (method != "POST") return error(405, "use POST on /_sim/mutate");
        return mutate(state, body, now);
    }
    return error(404, "no control endpoint " + std::string(path));
}

} // namespace roomsd::sim
