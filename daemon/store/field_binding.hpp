// How a record field's value is bound into SQL: the one mapping the writer and
// the migration refill share (booleans as 0/1, NULL for a missing value).
// Thread-safety: pure functions over a statement the caller owns.
#pragma once

#include <SQLiteCpp/Statement.h>

#include "model/records.hpp"

namespace roomsd::store {

// Binds `value` to parameter `index`; a string is bound without a copy, so it must outlive the step.
inline void bindFieldValue(SQLite::Statement& stmt, int index, const model::FieldValue& value) {
    if (const auto* i = std::get_if<std::int64_t>(&value))
        stmt.bind(index, static_cast<int64_t>(*i));
    else if (const auto* b = std::get_if<bool>(&value))
        stmt.bind(index, *b ? 1 : 0);
    else if (const auto* s = std::get_if<std::string>(&value))
        stmt.bindNoCopy(index, *s);
    else
        stmt.bind(index);
}

} // namespace roomsd::store
