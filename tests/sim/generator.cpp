#include "generator.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string_view>

#include "random.hpp"

namespace roomsd::sim {
namespace {

constexpr std::int64_t kSecond = kMicrosPerSecond;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

constexpr std::array<std::string_view, 16> kRoomWords = {"orchid",  "maple",  "harbor", "summit", "cobalt", "ember",
                                                         "juniper", "lagoon", "quartz", "tundra", "violet", "willow",
                                                         "saffron", "meadow", "canyon", "aurora"};

// Participant contexts as client SDKs send them: plain names, non-ASCII names, and
// text with characters that JSON must escape.
constexpr std::array<std::string_view, 12> kContexts = {
    "Alice",
    "Bob",
    "Zo\xC3\xAB",    // Zoë
    "\xC5\x81ukasz", // Łukasz
    "Jos\xC3\xA9 Mar\xC3\xAD"
    "a",                        // José María
    "\xE7\x94\xB0\xE4\xB8\xAD", // 田中
    "Dr. \"Q\" O'Neil",         // a quote
    "back\\slash",              // a backslash
    "{\"role\":\"host\"}",      // JSON inside a string
    "guest",
    "Carol",
    "recorder-bot",
};

// Weights of 0..5 sessions per room: mean 2.08.
constexpr std::array<int, 6> kSessionCountWeights = {15, 25, 25, 15, 12, 8};

int drawSessionCount(SeededRandom& random) {
    std::int64_t roll = random.uniform(0, 99);
    for (int count = 0; count < static_cast<int>(kSessionCountWeights.size()); ++count) {
        if (roll < kSessionCountWeights[static_cast<std::size_t>(count)]) return count;
        roll -= kSessionCountWeights[static_cast<std::size_t>(count)];
    }
    return 0;
}

std::string uniqueName(std::int64_t index, SeededRandom& random) {
    char number[32];
    std::snprintf(number, sizeof number, "%04lld", static_cast<long long>(index));
    auto word = kRoomWords[static_cast<std::size_t>(random.uniform(0, kRoomWords.size() - 1))];
    return "room-" + std::string(number) + "-" + std::string(word);
}

struct SessionPlan {
    std::int64_t start = 0;
    std::optional<std::int64_t> end; // nullopt while active
};

class AccountBuilder {
public:
    AccountBuilder(const ApiSpec& spec, const GeneratorOptions& options)
        : spec_(spec), random_(options.seed), anchor_(options.anchor.micros),
          start_(options.anchor.micros - std::max<std::int64_t>(options.days, 1) * kDay) {}

    GeneratedAccount build(std::int64_t roomCount) {
        for (std::int64_t i = 0; i < roomCount; ++i) addRoom(i);
        return std::move(account_);
    }

private:
    void addRoom(std::int64_t index) {
        const StreamSchema& schema = spec_.schema(Stream::Rooms);
        Record room = emptyRecord(schema, random_.uuid());
        std::string name = uniqueName(index, random_);
        // Leave the newest tenth of the window for the room's sessions.
        std::int64_t created = random_.uniform(start_, anchor_ - (anchor_ - start_) / 10);
        setValue(schema, room, "unique_name", name);
        setValue(schema, room, "max_participants", random_.uniform(2, 50));
        setValue(schema, room, "enable_recording", random_.chance(40));
        setValue(schema, room, "webhook_event_url", "https://hooks.example.com/rooms/" + name);
        switch (random_.uniform(0, 2)) {
        case 0: break; // null
        case 1: setValue(schema, room, "webhook_event_failover_url", std::string()); break;
        default: setValue(schema, room, "webhook_event_failover_url", "https://failover.example.com/" + name);
        }
        if (random_.chance(70)) setValue(schema, room, "webhook_timeout_secs", random_.uniform(0, 30));
        setValue(schema, room, "created_at", Timestamp{created});

        std::vector<SessionPlan> plans = planSessions(created);
        std::int64_t updated = std::min(anchor_, created + random_.uniform(0, kDay));
        for (std::size_t i = 0; i < plans.size(); ++i) {
            std::string sessionId = addSession(room.id, plans[i]);
            updated = std::max(updated, plans[i].start);
            if (!plans[i].end) setValue(schema, room, "active_session_id", sessionId);
        }
        setValue(schema, room, "updated_at", Timestamp{updated});
        account_.rooms.push_back(std::move(room));
    }

    // Sessions one after another, inside [roomCreated, anchor]; the last may be active.
    std::vector<SessionPlan> planSessions(std::int64_t roomCreated) {
        int count = drawSessionCount(random_);
        std::vector<SessionPlan> plans(static_cast<std::size_t>(count));
        for (auto& plan : plans) plan.start = random_.uniform(roomCreated, anchor_ - kMinute);
        std::sort(plans.begin(), plans.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
        bool lastActive = count > 0 && random_.chance(30);
        for (std::size_t i = 0; i < plans.size(); ++i) {
            if (lastActive && i + 1 == plans.size()) break;
            std::int64_t limit = i + 1 < plans.size() ? plans[i + 1].start : anchor_;
            std::int64_t gap = std::max<std::int64_t>(limit - plans[i].start, 2);
            std::int64_t length = std::min(random_.uniform(5 * kMinute, 3 * kHour), gap - 1);
            plans[i].end = plans[i].start + std::max<std::int64_t>(length, 1);
        }
        return plans;
    }

    std::string addSession(const std::string& roomId, const SessionPlan& plan) {
        const StreamSchema& schema = spec_.schema(Stream::Sessions);
        Record session = emptyRecord(schema, random_.uuid());
        setValue(schema, session, "room_id", roomId);
        setValue(schema, session, "active", !plan.end.has_value());
        setValue(schema, session, "created_at", Timestamp{plan.start});
        std::int64_t last = plan.end.value_or(anchor_);
        if (plan.end) setValue(schema, session, "ended_at", Timestamp{*plan.end});
        std::int64_t updated = plan.end ? std::min(anchor_, *plan.end + random_.uniform(0, 5 * kSecond))
                                        : random_.uniform(plan.start, anchor_);
        setValue(schema, session, "updated_at", Timestamp{updated});
        std::int64_t participants = random_.uniform(1, 6);
        for (std::int64_t i = 0; i < participants; ++i) addParticipant(session.id, plan.start, last, !plan.end);
        std::string id = session.id;
        account_.sessions.push_back(std::move(session));
        return id;
    }

    void addParticipant(const std::string& sessionId, std::int64_t from, std::int64_t to, bool sessionActive) {
        const StreamSchema& schema = spec_.schema(Stream::Participants);
        Record participant = emptyRecord(schema, random_.uuid());
        setValue(schema, participant, "session_id", sessionId);
        std::string context(kContexts[static_cast<std::size_t>(random_.uniform(0, kContexts.size() - 1))]);
        setValue(schema, participant, "context", context);
        std::int64_t joined = random_.uniform(from, std::max(from, to - 1));
        setValue(schema, participant, "joined_at", Timestamp{joined});
        std::int64_t updated = joined;
        if (!sessionActive || random_.chance(50)) {
            std::int64_t left = random_.uniform(joined + 1, std::max(joined + 1, to));
            setValue(schema, participant, "left_at", Timestamp{left});
            updated = left;
        }
        setValue(schema, participant, "updated_at", Timestamp{updated});
        account_.participants.push_back(std::move(participant));
    }

    const ApiSpec& spec_;
    SeededRandom random_;
    std::int64_t anchor_;
    std::int64_t start_;
    GeneratedAccount account_;
};

} // namespace

GeneratedAccount generateAccount(const ApiSpec& spec, const GeneratorOptions& options) {
    return AccountBuilder(spec, options).build(std::max<std::int64_t>(options.rooms, 0));
}

} // namespace roomsd::sim
