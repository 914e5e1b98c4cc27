#include "account.hpp"

#include <algorithm>
#include <boost/json.hpp>

namespace roomsd::sim {

namespace json = boost::json;

Account::Account(GeneratedAccount records, std::uint64_t idSeed) : idRandom_(idSeed) {
    rooms_.records = std::move(records.rooms);
    sessions_.records = std::move(records.sessions);
    participants_.records = std::move(records.participants);
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

void Account::reindex(Stream stream) {
    const StreamSchema& schema = schemaOf(stream);
    StreamData& d = data(stream);
    std::sort(d.records.begin(), d.records.end(),
              [&](const Record& a, const Record& b) { return comesBefore(schema, a, b); });
    d.byId.clear();
    d.byParent.clear();
    for (std::size_t i = 0; i < d.records.size(); ++i) {
        d.byId.emplace(d.records[i].id, i);
        if (!schema.parentField.empty())
            if (const std::string* parent = stringOf(schema, d.records[i], schema.parentField))
                d.byParent[*parent].push_back(i);
    }
}

const std::vector<Record>& Account::records(Stream stream) const { return data(stream).records; }

const Record* Account::find(Stream stream, std::string_view id) const {
    const StreamData& d = data(stream);
    auto it = d.byId.find(std::string(id));
    return it == d.byId.end() ? nullptr : &d.records[it->second];
}

std::vector<const Record*> Account::childrenOf(Stream parent, std::string_view parentId) const {
    std::vector<const Record*> out;
    if (parent == Stream::Participants) return out;
    const StreamData& children = data(parent == Stream::Rooms ? Stream::Sessions : Stream::Participants);
    auto it = children.byParent.find(std::string(parentId));
    if (it == children.byParent.end()) return out;
    for (std::size_t index : it->second) out.push_back(&children.records[index]);
    return out;
}

json::object Account::render(Stream stream, const Record& record, bool embedChildren) const {
    const StreamSchema& schema = schemaOf(stream);
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
        out[schemaOf(stream).name] = std::move(list);
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
    const StreamSchema& schema = schemaOf(stream);
    StreamData& d = data(stream);
    auto it = d.byId.find(std::string(id));
    if (it == d.byId.end())
        return fail(ErrorKind::NotFound, "no " + std::string(schema.recordType) + " " + std::string(id));
    Record changed = d.records[it->second];
    if (auto applied = applyFields(schema, changed, set); !applied) return std::move(applied).error();
    if (!set.contains("updated_at")) setValue(schema, changed, "updated_at", now);
    d.records[it->second] = changed;
    reindex(stream);
    return changed;
}

Result<void> Account::setExtraFields(Stream stream, std::string_view id, const json::object& extra) {
    const StreamSchema& schema = schemaOf(stream);
    StreamData& d = data(stream);
    auto it = d.byId.find(std::string(id));
    if (it == d.byId.end())
        return fail(ErrorKind::NotFound, "no " + std::string(schema.recordType) + " " + std::string(id));
    for (const auto& entry : extra) {
        std::string_view name = entry.key();
        if (name == "id" || name == "record_type" || name == schema.childKey || findField(schema, name) != nullptr)
            return fail(ErrorKind::Usage, std::string(name) + " is a field of the spec; use set");
    }
    for (const auto& entry : extra)
        d.records[it->second].extra[std::string(entry.key())] = json::serialize(entry.value());
    return {};
}

Result<void> Account::remove(Stream stream, std::string_view id) {
    const StreamSchema& schema = schemaOf(stream);
    StreamData& d = data(stream);
    auto it = d.byId.find(std::string(id));
    if (it == d.byId.end())
        return fail(ErrorKind::NotFound, "no " + std::string(schema.recordType) + " " + std::string(id));
    d.records.erase(d.records.begin() + static_cast<std::ptrdiff_t>(it->second));
    reindex(stream);
    return {};
}

Result<Record> Account::create(Stream stream, const json::object& fields, Timestamp now) {
    const StreamSchema& schema = schemaOf(stream);
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
    d.records.push_back(record);
    reindex(stream);
    return record;
}

} // namespace roomsd::sim
