#include "activity.hpp"

#include <array>
#include <boost/json.hpp>
#include <optional>

namespace roomsd::sim {
namespace {

namespace json = boost::json;

enum class Kind {
    RoomCreated,
    RoomUpdated,
    RoomDeleted,
    SessionStarted,
    SessionEnded,
    ParticipantJoined,
    ParticipantLeft
};

struct KindInfo {
    Kind kind;
    std::string_view name;
    int weight; // out of 100
};

constexpr std::array<KindInfo, 7> kKinds = {{
    {Kind::RoomCreated, "room_created", 10},
    {Kind::RoomUpdated, "room_updated", 15},
    {Kind::RoomDeleted, "room_deleted", 5},
    {Kind::SessionStarted, "session_started", 15},
    {Kind::SessionEnded, "session_ended", 15},
    {Kind::ParticipantJoined, "participant_joined", 25},
    {Kind::ParticipantLeft, "participant_left", 15},
}};

constexpr std::array<std::string_view, 6> kLiveContexts = {
    "Dana", "Eve", "Fran\xC3\xA7ois", "\xE5\xB1\xB1\xE7\x94\xB0", "late \"joiner\"", "kiosk\\2"};

json::value stampJson(std::optional<Timestamp> t) {
    if (!t) return nullptr;
    return json::string(formatTimestamp(*t));
}

std::optional<std::int64_t> integerField(const json::object& body, std::string_view key, std::int64_t low,
                                         std::int64_t high, bool& bad) {
    const json::value* v = body.if_contains(key);
    if (v == nullptr) return std::nullopt;
    std::optional<std::int64_t> n;
    if (v->is_int64()) n = v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(high))
        n = static_cast<std::int64_t>(v->as_uint64());
    if (!n || *n < low || *n > high) bad = true;
    return n;
}

// Applies one change of one kind, or nothing when the account offers no record for it.
class Change {
public:
    Change(Account& account, SeededRandom& random, Timestamp at, bool bumps, std::uint64_t& roomsCreated)
        : account_(account), random_(random), at_(at), bumps_(bumps), roomsCreated_(roomsCreated) {}

    std::optional<ActivityChange> attempt(const KindInfo& info) {
        out_ = ActivityChange{std::string(info.name), {}, {}, at_, {}};
        bool done = false;
        switch (info.kind) {
        case Kind::RoomCreated: done = createRoom(); break;
        case Kind::RoomUpdated: done = updateRoom(); break;
        case Kind::RoomDeleted: done = deleteRoom(); break;
        case Kind::SessionStarted: done = startSession(); break;
        case Kind::SessionEnded: done = endSession(); break;
        case Kind::ParticipantJoined: done = joinParticipant(); break;
        case Kind::ParticipantLeft: done = leaveParticipant(); break;
        }
        if (!done) return std::nullopt;
        return std::move(out_);
    }

private:
    const StreamSchema& schema(Stream s) const { return account_.schema(s); }
    std::string now() const { return formatTimestamp(at_); }

    // One of `records` chosen by the seeded draw, or nullptr when there are none.
    const Record* pick(const std::vector<const Record*>& records) {
        if (records.empty()) return nullptr;
        return records[static_cast<std::size_t>(random_.uniform(0, static_cast<std::int64_t>(records.size()) - 1))];
    }

    std::vector<const Record*> where(Stream s, bool (*keep)(const StreamSchema&, const Record&)) const {
        std::vector<const Record*> out;
        for (const Record& r : account_.records(s))
            if (keep(schema(s), r)) out.push_back(&r);
        return out;
    }

    static bool withoutSession(const StreamSchema& rooms, const Record& r) {
        return stringOf(rooms, r, "active_session_id") == nullptr;
    }
    static bool isActive(const StreamSchema& sessions, const Record& r) {
        const auto* active = std::get_if<bool>(&valueOf(sessions, r, "active"));
        return active != nullptr && *active;
    }
    static bool present(const StreamSchema& participants, const Record& r) {
        return timestampOf(participants, r, "left_at") == std::nullopt;
    }

    void write(Stream s, const std::string& id, json::object set) {
        auto result = account_.update(s, id, set, at_);
        if (result) out_.touched.emplace_back(schema(s).name, id);
    }

    std::string create(Stream s, json::object record) {
        auto created = account_.create(s, record, at_);
        if (!created) return {};
        out_.touched.emplace_back(schema(s).name, created->id);
        return created->id;
    }

    void about(Stream s, std::string id) {
        out_.stream = schema(s).name;
        out_.id = std::move(id);
    }

    // A room's active_session_id follows its sessions; its updated_at moves only with the switch.
    void pointRoomAt(const std::string& roomId, json::value sessionId) {
        const Record* room = account_.find(Stream::Rooms, roomId);
        if (room == nullptr) return;
        json::object set{{"active_session_id", std::move(sessionId)}};
        if (!bumps_) set["updated_at"] = stampJson(timestampOf(schema(Stream::Rooms), *room, "updated_at"));
        write(Stream::Rooms, roomId, std::move(set));
    }

    // With the switch on, a participant change bumps its session and that session's room.
    void bumpParentsOf(const std::string& sessionId) {
        if (!bumps_) return;
        const Record* session = account_.find(Stream::Sessions, sessionId);
        if (session == nullptr) return;
        std::string roomId = *stringOf(schema(Stream::Sessions), *session, "room_id");
        write(Stream::Sessions, sessionId, json::object{});
        if (account_.find(Stream::Rooms, roomId) != nullptr) write(Stream::Rooms, roomId, json::object{});
    }

    bool createRoom() {
        ++roomsCreated_;
        std::string name =
            "room-live-" + std::to_string(roomsCreated_) + "-" + std::to_string(random_.uniform(0, 9999));
        std::string id = create(Stream::Rooms, json::object{{"unique_name", name},
                                                            {"max_participants", random_.uniform(2, 50)},
                                                            {"enable_recording", random_.chance(40)},
                                                            {"webhook_event_url", "https://hooks.example.com/" + name},
                                                            {"webhook_event_failover_url", ""},
                                                            {"created_at", now()},
                                                            {"updated_at", now()}});
        about(Stream::Rooms, id);
        return !id.empty();
    }

    bool updateRoom() {
        const Record* room = pick(where(Stream::Rooms, [](const StreamSchema&, const Record&) { return true; }));
        if (room == nullptr) return false;
        std::string id = room->id;
        about(Stream::Rooms, id);
        write(Stream::Rooms, id,
              json::object{{"max_participants", random_.uniform(2, 50)},
                           {"webhook_timeout_secs", random_.uniform(0, 30)}});
        return true;
    }

    bool deleteRoom() {
        const Record* room = pick(where(Stream::Rooms, withoutSession));
        if (room == nullptr) return false;
        std::string id = room->id;
        about(Stream::Rooms, id);
        if (account_.remove(Stream::Rooms, id)) out_.touched.emplace_back(schema(Stream::Rooms).name, id);
        return true;
    }

    bool startSession() {
        const Record* room = pick(where(Stream::Rooms, withoutSession));
        if (room == nullptr) return false;
        std::string roomId = room->id;
        std::string sessionId =
            create(Stream::Sessions,
                   json::object{{"room_id", roomId}, {"active", true}, {"created_at", now()}, {"updated_at", now()}});
        if (sessionId.empty()) return false;
        about(Stream::Sessions, sessionId);
        pointRoomAt(roomId, json::string(sessionId));
        return true;
    }

    bool endSession() {
        const Record* session = pick(where(Stream::Sessions, isActive));
        if (session == nullptr) return false;
        std::string sessionId = session->id;
        const std::string* room = stringOf(schema(Stream::Sessions), *session, "room_id");
        std::string roomId = room != nullptr ? *room : std::string();
        about(Stream::Sessions, sessionId);
        write(Stream::Sessions, sessionId, json::object{{"active", false}, {"ended_at", now()}});
        std::vector<std::string> leaving;
        for (const Record* p : account_.childrenOf(Stream::Sessions, sessionId))
            if (present(schema(Stream::Participants), *p)) leaving.push_back(p->id);
        for (const std::string& id : leaving) write(Stream::Participants, id, json::object{{"left_at", now()}});
        const Record* owner = account_.find(Stream::Rooms, roomId);
        if (owner != nullptr) {
            const std::string* active = stringOf(schema(Stream::Rooms), *owner, "active_session_id");
            if (active != nullptr && *active == sessionId) pointRoomAt(roomId, nullptr);
        }
        return true;
    }

    bool joinParticipant() {
        const Record* session = pick(where(Stream::Sessions, isActive));
        if (session == nullptr) return false;
        std::string sessionId = session->id;
        std::string context(kLiveContexts[static_cast<std::size_t>(random_.uniform(0, kLiveContexts.size() - 1))]);
        std::string id = create(
            Stream::Participants,
            json::object{{"session_id", sessionId}, {"context", context}, {"joined_at", now()}, {"updated_at", now()}});
        if (id.empty()) return false;
        about(Stream::Participants, id);
        bumpParentsOf(sessionId);
        return true;
    }

    bool leaveParticipant() {
        std::vector<const Record*> candidates;
        const StreamSchema& participants = schema(Stream::Participants);
        for (const Record* session : where(Stream::Sessions, isActive))
            for (const Record* p : account_.childrenOf(Stream::Sessions, session->id))
                if (present(participants, *p)) candidates.push_back(p);
        const Record* participant = pick(candidates);
        if (participant == nullptr) return false;
        std::string id = participant->id;
        std::string sessionId = *stringOf(participants, *participant, "session_id");
        about(Stream::Participants, id);
        write(Stream::Participants, id, json::object{{"left_at", now()}});
        bumpParentsOf(sessionId);
        return true;
    }

    Account& account_;
    SeededRandom& random_;
    Timestamp at_;
    bool bumps_;
    std::uint64_t& roomsCreated_;
    ActivityChange out_;
};

// The newest timestamp anywhere in the account: activity never stamps before it.
Timestamp newestIn(const Account& account) {
    Timestamp newest{};
    for (Stream s : {Stream::Rooms, Stream::Sessions, Stream::Participants})
        for (const Record& r : account.records(s))
            for (const FieldValue& v : r.values)
                if (const auto* t = std::get_if<Timestamp>(&v); t != nullptr && newest < *t) newest = *t;
    return newest;
}

} // namespace

Activity::Activity(ActivityOptions options) : options_(options), random_(options.seed) {}

void Activity::configure(const ActivityOptions& options) {
    std::uint64_t seed = options_.seed;
    options_ = options;
    options_.seed = seed;
    listRequests_ = 0;
}

Timestamp Activity::stamp(Timestamp now) {
    Timestamp next = last_ < now ? now : Timestamp{last_.micros + 1};
    last_ = next;
    return next;
}

std::vector<ActivityChange> Activity::apply(Account& account, std::int64_t count, Timestamp now) {
    if (last_.micros == 0) last_ = newestIn(account);
    std::vector<ActivityChange> out;
    for (std::int64_t i = 0; i < count; ++i) {
        Timestamp at = stamp(now);
        std::int64_t roll = random_.uniform(0, 99);
        std::size_t first = 0;
        for (; first + 1 < kKinds.size() && roll >= kKinds[first].weight; ++first) roll -= kKinds[first].weight;
        // The drawn kind, or the next one the account can take (creating a room always works).
        for (std::size_t k = 0; k < kKinds.size(); ++k) {
            Change change(account, random_, at, options_.bumpsParents, roomsCreated_);
            if (auto done = change.attempt(kKinds[(first + k) % kKinds.size()])) {
                out.push_back(std::move(*done));
                ++applied_;
                break;
            }
        }
    }
    return out;
}

bool Activity::countListRequest() {
    if (options_.everyRequests <= 0) return false;
    if (++listRequests_ < options_.everyRequests) return false;
    listRequests_ = 0;
    return true;
}

json::object Activity::toJson() const {
    return json::object{{"seed", options_.seed},
                        {"bumps_parents", options_.bumpsParents},
                        {"every_requests", options_.everyRequests},
                        {"interval_ms", options_.intervalMs},
                        {"changes", options_.changes},
                        {"changes_applied", applied_}};
}

Result<ActivityOptions> activityOptionsFromJson(const json::object& body, ActivityOptions current) {
    for (const auto& entry : body) {
        std::string_view key = entry.key();
        if (key != "changes" && key != "every_requests" && key != "interval_ms" && key != "bumps_parents")
            return fail(ErrorKind::Usage, "unknown activity field " + std::string(key));
    }
    bool bad = false;
    if (auto n = integerField(body, "changes", 1, 10000, bad); n && !bad) current.changes = *n;
    if (bad) return fail(ErrorKind::Usage, "changes must be an integer in 1..10000");
    if (auto n = integerField(body, "every_requests", 0, 1000000, bad); n && !bad) current.everyRequests = *n;
    if (bad) return fail(ErrorKind::Usage, "every_requests must be an integer in 0..1000000");
    if (auto n = integerField(body, "interval_ms", 0, 3600000, bad); n && !bad) current.intervalMs = *n;
    if (bad) return fail(ErrorKind::Usage, "interval_ms must be an integer in 0..3600000");
    if (const json::value* b = body.if_contains("bumps_parents")) {
        if (!b->is_bool()) return fail(ErrorKind::Usage, "bumps_parents must be true or false");
        current.bumpsParents = b->as_bool();
    }
    return current;
}

} // namespace roomsd::sim
