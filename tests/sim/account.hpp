// Account: the simulated Telnyx account, in memory: every room, session and
// participant, kept in the documented order, with the mutations tests apply.
//
// Each stream is a sequence sorted by its order (by default created_at or joined_at
// descending, nulls last, then id ascending; see ListOrder) of records that never move
// in memory, with an id index and a parent index (sessions by room, participants by
// session). A mutation moves only the one record it changes to its place in the
// sequence, so live activity on a large account stays cheap. A mutation changes exactly
// the record it names; keeping related records consistent is the caller's job (activity.hpp).
// Thread-safety: none; the server uses it from its one io_context thread.
#pragma once

#include <boost/json/fwd.hpp>
#include <cstdint>
#include <iterator>
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

// The records of one stream in order: a read-only view that stays valid until the next mutation.
class RecordList {
public:
    using Slots = std::vector<std::unique_ptr<Record>>;

    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Record;
        using difference_type = std::ptrdiff_t;
        using pointer = const Record*;
        using reference = const Record&;

        iterator() = default;
        explicit iterator(Slots::const_iterator at) : at_(at) {}
        reference operator*() const { return **at_; }
        pointer operator->() const { return at_->get(); }
        iterator& operator++() {
            ++at_;
            return *this;
        }
        iterator operator++(int) {
            iterator before = *this;
            ++at_;
            return before;
        }
        bool operator==(const iterator& other) const { return at_ == other.at_; }

    private:
        Slots::const_iterator at_;
    };

    explicit RecordList(const Slots& slots) : slots_(&slots) {}
    iterator begin() const { return iterator(slots_->begin()); }
    iterator end() const { return iterator(slots_->end()); }
    std::size_t size() const { return slots_->size(); }
    bool empty() const { return slots_->empty(); }
    const Record& operator[](std::size_t i) const { return *(*slots_)[i]; }
    const Record& front() const { return *slots_->front(); }
    const Record& back() const { return *slots_->back(); }

private:
    const Slots* slots_;
};

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
    RecordList records(Stream stream) const;
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
        RecordList::Slots ordered;                                          // in the list order
        std::unordered_map<std::string, Record*> byId;                      // into `ordered`'s records
        std::unordered_map<std::string, std::vector<std::string>> byParent; // parent id -> child ids
        std::size_t sortField = 0;                                          // the field the order looks at
    };

    StreamData& data(Stream stream);
    const StreamData& data(Stream stream) const;
    template <class Self>
    static auto& streamData(Self& self, Stream stream);
    // Re-sorts `stream` and rebuilds its indexes.
    void reindex(Stream stream);
    // Inserts `record` where the order puts it.
    void place(Stream stream, Record record);
    // Where `record`, one of `stream`'s, stands in the order.
    std::size_t positionOf(Stream stream, const Record& record) const;
    // Replaces the record at `from` with `changed`, and moves it to its place.
    void move(Stream stream, std::size_t from, const Record& changed);
    // Removes the record at `index` and returns it.
    Record takeOut(Stream stream, std::size_t index);
    Result<void> applyFields(const StreamSchema& schema, Record& record, const boost::json::object& fields);

    std::shared_ptr<const ApiSpec> spec_;
    ListOrder order_;
    StreamData rooms_;
    StreamData sessions_;
    StreamData participants_;
    SeededRandom idRandom_;
};

} // namespace roomsd::sim
