#include "account.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace roomsd::sim {

namespace json = boost::json;

std::optional<ListOrder> listOrderNamed(std::string_view name) {
    if (name == "newest-first") return ListOrder::NewestFirst;
    if (name == "updated-ascending") return ListOrder::UpdatedAscending;
    if (name == "oldest-first") return ListOrder::OldestFirst;
    return std::nullopt;
}

std::string_view nameOf(ListOrder order) {
    switch (order) {
    case ListOrder::NewestFirst: return "newest-first";
    case ListOrder::UpdatedAscending: return "updated-ascending";
    case ListOrder::OldestFirst: return "oldest-first";
    }
    return "?";
}

void Account::setOrder(ListOrder order) {
    order_ = order;
    for (Stream stream : {Stream::Rooms, Stream::Sessions, Stream::Participants}) reindex(stream);
}

Account::Account(std::shared_ptr<const ApiSpec> spec, GeneratedAccount records, std::uint64_t idSeed, ListOrder order)
    : spec_(std::move(spec)), order_(order), idRandom_(idSeed) {
    auto fill = [](StreamData& d, std::vector<Record>& from) {
        d.ordered.reserve(from.size());
        for (Record& record : from) d.ordered.push_back(std::make_unique<Record>(std::move(record)));
    };
    fill(rooms_, records.rooms);
    fill(sessions_, records.sessions);
    fill(participants_, records.participants);
    for (Stream stream : {Stream::Rooms, Stream::Sessions, Stream::Participants}) reindex(stream);
}

template <class Self>
auto& Account::streamData(Self& self, Stream stream) {
    switch (stream) {
    case Stream::Rooms: return self.rooms_;
    case Stream::Sessions: return self.sessions_;
    case Stream::Participants: return self.participants_;
    }
    return self.rooms_;
}

Account::StreamData& Account::data(Stream stream) { return streamData(*this, stream); }
const Account::StreamData& Account::data(Stream stream) const { return streamData(*this, stream); }

bool Account::comesBefore(Stream stream, const Record& a, const Record& b) const {
    std::size_t field = data(stream).sortField;
    const auto* ta = std::get_if<Timestamp>(&a.values[field]);
    const auto* tb = std::get_if<Timestamp>(&b.values[field]);
    if ((ta == nullptr) != (tb == nullptr)) return ta != nullptr; // nulls last
    if (ta != nullptr && *ta != *tb) return order_ == ListOrder::NewestFirst ? *tb < *ta : *ta < *tb;
    return a.id < b.id;
}

void Account::reindex(Stream stream) {
    const StreamSchema& schema = spec_->schema(stream);
    StreamData& d = data(stream);
    d.sortField =
        fieldIndex(schema, order_ == ListOrder::UpdatedAscending ? std::string_view("updated_at") : schema.orderField);
    std::sort(d.ordered.begin(), d.ordered.end(),
              [&](const auto& a, const auto& b) { return comesBefore(stream, *a, *b); });
    d.byId.clear();
    d.byParent.clear();
    for (const auto& slot : d.ordered) {
        d.byId[slot->id] = slot.get();
        if (!schema.parentField.empty())
            if (const std::string* parent = stringOf(schema, *slot, schema.parentField))
                d.byParent[*parent].push_back(slot->id);
    }
}

std::size_t Account::positionOf(Stream stream, const Record& record) const {
    const StreamData& d = data(stream);
    auto at = std::lower_bound(d.ordered.begin(), d.ordered.end(), record,
                               [&](const auto& slot, const Record& r) { return comesBefore(stream, *slot, r); });
    return static_cast<std::size_t>(at - d.ordered.begin());
}

void Account::place(Stream stream, Record record) {
    const StreamSchema& schema = spec_->schema(stream);
    StreamData& d = data(stream);
    std::size_t index = positionOf(stream, record);
    if (!schema.parentField.empty())
        if (const std::string* parent = stringOf(schema, record, schema.parentField))
            d.byParent[*parent].push_back(record.id);
    auto slot = std::make_unique<Record>(std::move(record));
    d.byId[slot->id] = slot.get();
    d.ordered.insert(d.ordered.begin() + static_cast<std::ptrdiff_t>(index), std::move(slot));
}

void Account::move(Stream stream, std::size_t from, const Record& changed) {
    const StreamSchema& schema = spec_->schema(stream);
    StreamData& d = data(stream);
    if (!schema.parentField.empty() &&
        valueOf(schema, *d.ordered[from], schema.parentField) != valueOf(schema, changed, schema.parentField)) {
        takeOut(stream, from); // a new parent: the indexes change as for a delete and a create
        place(stream, changed);
        return;
    }
    auto before = [&](const auto& slot, const Record& r) { return comesBefore(stream, *slot, r); };
    auto begin = d.ordered.begin();
    auto position = begin + static_cast<std::ptrdiff_t>(from);
    // Where it belongs among the others, which are still in order.
    auto left = std::lower_bound(begin, position, changed, before);
    auto right = std::lower_bound(position + 1, d.ordered.end(), changed, before);
    **position = changed; // the same Record object: byId stays right
    if (left < position)
        std::rotate(left, position, position + 1);
    else if (right > position + 1)
        std::rotate(position, position + 1, right);
}

Record Account::takeOut(Stream stream, std::size_t index) {
    const StreamSchema& schema = spec_->schema(stream);
    StreamData& d = data(stream);
    Record record = std::move(*d.ordered[index]);
    d.ordered.erase(d.ordered.begin() + static_cast<std::ptrdiff_t>(index));
    d.byId.erase(record.id);
    if (!schema.parentField.empty())
        if (const std::string* parent = stringOf(schema, record, schema.parentField)) {
            auto it = d.byParent.find(*parent);
            if (it != d.byParent.end()) {
                std::erase(it->second, record.id);
                if (it->second.empty()) d.byParent.erase(it);
            }
        }
    return record;
}

RecordList Account::records(Stream stream) const { return RecordList(data(stream).ordered); }

const Record* Account::find(Stream stream, std::string_view id) const {
    const StreamData& d = data(stream);
    auto it = d.byId.find(std::string(id));
    return it == d.byId.end() ? nullptr : it->second;
}

std::vector<const Record*> Account::childrenOf(Stream parent, std::string_view parentId) const {
    if (parent == Stream::Participants) return {};
    Stream child = parent == Stream::Rooms ? Stream::Sessions : Stream::Participants;
    return withParent(child, spec_->schema(child).parentField, parentId);
}

std::vector<const Record*> Account::withParent(Stream stream, std::string_view field, std::string_view value) const {
    const StreamSchema& schema = spec_->schema(stream);
    const StreamData& d = data(stream);
    std::vector<const Record*> out;
    if (field != schema.parentField) { // not indexed: every record is looked at
        for (const Record& record : records(stream))
            if (const std::string* v = stringOf(schema, record, field); v != nullptr && *v == value)
                out.push_back(&record);
        return out;
    }
    auto it = d.byParent.find(std::string(value));
    if (it == d.byParent.end()) return out;
    out.reserve(it->second.size());
    for (const std::string& id : it->second) out.push_back(d.byId.at(id));
    std::sort(out.begin(), out.end(), [&](const Record* a, const Record* b) { return comesBefore(stream, *a, *b); });
    return out;
}

json::object Account::render(Stream stream, const Record& record, bool embedChildren) const {
    const StreamSchema& schema = spec_->schema(stream);
    json::array children;
    if (embedChildren && stream != Stream::Participants) {
        Stream childStream = stream == Stream::Rooms ? Stream::Sessions : Stream::Participants;
        for (const Record* child : childrenOf(stream, record.id))
            children.push_back(render(childStream, *child, false));
    }
    return renderRecord(schema, record, std::move(children));
}

json::object Account::renderAll() const {
    json::object out;
    for (Stream stream : {Stream::Rooms, Stream::Sessions, Stream::Participants}) {
        json::array list;
        for (const Record& record : records(stream)) list.push_back(render(stream, record, false));
        out[spec_->schema(stream).name] = std::move(list);
    }
    return out;
}

Result<void> Account::applyFields(const StreamSchema& schema, Record& record, const json::object& fields) {
    for (const auto& entry : fields) {
        std::string_view name = entry.key();
        if (name == "id" || name == "record_type" || (!schema.childKey.empty() && name == schema.childKey))
            return fail(ErrorKind::Usage, std::string(name) + " cannot be set");
        const FieldSpec* field = findField(schema, name);
        if (field == nullptr)
            return fail(ErrorKind::Usage, std::string(schema.name) + " have no field " + std::string(name));
        std::string problem;
        auto value = fieldValueFromJson(*field, entry.value(), problem);
        if (!value) return fail(ErrorKind::Usage, problem);
        setValue(schema, record, name, std::move(*value));
    }
    return {};
}

Result<Record> Account::update(Stream stream, std::string_view id, const json::object& set, Timestamp now) {
    const StreamSchema& schema = spec_->schema(stream);
    StreamData& d = data(stream);
    auto it = d.byId.find(std::string(id));
    if (it == d.byId.end())
        return fail(ErrorKind::NotFound, "no " + std::string(schema.recordType) + " " + std::string(id));
    Record changed = *it->second;
    if (auto applied = applyFields(schema, changed, set); !applied) return std::move(applied).error();
    if (!set.contains("updated_at")) setValue(schema, changed, "updated_at", now);
    move(stream, positionOf(stream, *it->second), changed);
    return changed;
}

Result<void> Account::setExtraFields(Stream stream, std::string_view id, const json::object& extra) {
    const StreamSchema& schema = spec_->schema(stream);
    StreamData& d = data(stream);
    auto it = d.byId.find(std::string(id));
    if (it == d.byId.end())
        return fail(ErrorKind::NotFound, "no " + std::string(schema.recordType) + " " + std::string(id));
    for (const auto& entry : extra) {
        std::string_view name = entry.key();
        if (name == "id" || name == "record_type" || name == schema.childKey || findField(schema, name) != nullptr)
            return fail(ErrorKind::Usage, std::string(name) + " is a field of the spec; use set");
    }
    for (const auto& entry : extra) it->second->extra[std::string(entry.key())] = json::serialize(entry.value());
    return {};
}

Result<void> Account::remove(Stream stream, std::string_view id) {
    const StreamSchema& schema = spec_->schema(stream);
    StreamData& d = data(stream);
    auto it = d.byId.find(std::string(id));
    if (it == d.byId.end())
        return fail(ErrorKind::NotFound, "no " + std::string(schema.recordType) + " " + std::string(id));
    takeOut(stream, positionOf(stream, *it->second));
    return {};
}

Result<Record> Account::create(Stream stream, const json::object& fields, Timestamp now) {
    const StreamSchema& schema = spec_->schema(stream);
    StreamData& d = data(stream);
    std::string id;
    if (auto given = fields.find("id"); given != fields.end()) {
        if (!given->value().is_string() || given->value().as_string().empty())
            return fail(ErrorKind::Usage, "id must be a non-empty string");
        id = std::string(given->value().as_string());
        if (d.byId.contains(id)) return fail(ErrorKind::Usage, "id " + id + " is already in use");
    } else {
        do id = idRandom_.uuid();
        while (d.byId.contains(id));
    }
    Record record = emptyRecord(schema, id);
    for (std::size_t i = 0; i < schema.fields.size(); ++i) {
        switch (schema.fields[i].fallback) {
        case FieldDefault::Null: break;
        case FieldDefault::False: record.values[i] = false; break;
        case FieldDefault::EmptyString: record.values[i] = std::string(); break;
        case FieldDefault::Now: record.values[i] = now; break;
        }
    }
    json::object rest = fields;
    rest.erase("id");
    if (auto typed = rest.find("record_type"); typed != rest.end()) {
        if (!typed->value().is_string() || typed->value().as_string() != schema.recordType)
            return fail(ErrorKind::Usage, "record_type must be " + std::string(schema.recordType));
        rest.erase(typed);
    }
    if (auto applied = applyFields(schema, record, rest); !applied) return std::move(applied).error();
    place(stream, record);
    return record;
}

} // namespace roomsd::sim
