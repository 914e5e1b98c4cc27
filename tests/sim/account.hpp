// Account: the simulated Telnyx account, in memory: every room, session and
// participant, kept in the documented order, with the mutations tests apply.
//
// Each stream is a vector sorted by its order (by default created_at or joined_at
// descending, nulls last, then id ascending; see ListOrder) with an id index and a parent index (sessions by
// room, participants by session), rebuilt after each mutation: reads are cheap and
// frequent, mutations rare. A mutation changes exactly the record it names; keeping
// related records consistent (a room's active_session_id, say) is the caller's job.
// Thread-safety: none; the server uses it from its one io_context thread.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "generator.hpp"
#include "random.hpp"
#include "records.hpp"
#include "spec.hpp"

namespace roomsd::sim {

// The order lists are served in. The spec names none; each breaks offset paging in its
// own way when records change during a pass (README.md, "Orders").
enum class ListOrder {
    NewestFirst,      // created_at (participants: joined_at) descending: the default
    UpdatedAscending, // updated_at ascending
    OldestFirst,      // created_at (participants: joined_at) ascending
};

// "newest-first", "updated-ascending", "oldest-first"; nullopt for anything else.
std::optional<ListOrder> listOrderNamed(std::string_view name);
std::string_view nameOf(ListOrder order);

class Account {
public:
    // Takes the records in any order. `idSeed` seeds the ids of records created later.
    Account(std::shared_ptr<const ApiSpec> spec, GeneratedAccount records, std::uint64_t idSeed,
            ListOrder order = ListOrder::NewestFirst);

    const ApiSpec& spec() const { return *spec_; }
    ListOrder order() const { return order_; }
    // Re-sorts every stream in `order`.
    void setOrder(ListOrder order);
    const StreamSchema& schema(Stream stream) const { return spec_->schema(stream); }
    // True when `a` comes before `b` in the lists of `stream`.
    bool comesBefore(Stream stream, const Record& a, const Record& b) const;

    // Every record of `stream`, in the documented order.
    const std::vector<Record>& records(Stream stream) const;
    // The record with `id`, or nullptr.
    const Record* find(Stream stream, std::string_view id) const;
    // The sessions of a room (parent = Rooms) or the participants of a session
    // (parent = Sessions), in the documented order; empty for an unknown parent.
    std::vector<const Record*> childrenOf(Stream parent, std::string_view parentId) const;
    // The records of `stream` whose `field` is `value`, in the documented order.
    std::vector<const Record*> withParent(Stream stream, std::string_view field, std::string_view value) const;

    // `record` as the API renders it; with `embedChildren`, its sessions or
    // participants are embedded (each with an empty nested array of its own).
    boost::json::object render(Stream stream, const Record& record, bool embedChildren) const;
    // {"rooms":[...],"room_sessions":[...],"room_participants":[...]}, no embedding.
    boost::json::object renderAll() const;

    // Sets the fields in `set`; updated_at becomes `now` unless `set` names it.
    // NotFound for an unknown id, Usage for a field that is unknown, read-only or of the wrong type.
    Result<Record> update(Stream stream, std::string_view id, const boost::json::object& set, Timestamp now);
    // Adds (or replaces) fields the spec does not list, as a newer upstream would; a
    // field the spec lists cannot be set this way. Does not touch updated_at.
    Result<void> setExtraFields(Stream stream, std::string_view id, const boost::json::object& extra);
    // Removes that one record. NotFound for an unknown id.
    Result<void> remove(Stream stream, std::string_view id);
    // Adds a record; a missing id is generated, missing fields take their spec
    // default (timestamps: `now`). Usage for a bad field or an id already in use.
    Result<Record> create(Stream stream, const boost::json::object& fields, Timestamp now);

private:
    struct StreamData {
        std::vector<Record> records;
        std::unordered_map<std::string, std::size_t> byId;
        std::unordered_map<std::string, std::vector<std::size_t>> byParent;
    };

    StreamData& data(Stream stream);
    const StreamData& data(Stream stream) const;
    template <class Self>
    static auto& streamData(Self& self, Stream stream);
    // Re-sorts `stream` and rebuilds its indexes.
    void reindex(Stream stream);
    Result<void> applyFields(const StreamSchema& schema, Record& record, const boost::json::object& fields);

    std::shared_ptr<const ApiSpec> spec_;
    ListOrder order_;
    StreamData rooms_;
    StreamData sessions_;
    StreamData participants_;
    SeededRandom idRandom_;
};

} // namespace roomsd::sim
