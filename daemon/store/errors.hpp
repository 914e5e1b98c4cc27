// The store's exceptions: start-up only (opening, migrating, locking the
// database). At run time the store answers Result<T> with ErrorKind::Storage.
// Thread-safety: plain values.
#pragma once

#include <stdexcept>

namespace roomsd::store {

// Thrown at start-up when the database cannot be opened, locked or migrated; what() says why.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace roomsd::store
