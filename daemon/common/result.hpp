// Error and Result: how a failure crosses a module boundary at run time.
//
// Exceptions are for start-up and for bugs; everything that can fail while the
// daemon runs (a request, a page, a query) returns a Result that carries the
// reason. Thread-safety: plain values, no shared state.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace roomsd {

// What went wrong, coarse enough for a caller to decide what to do next.
enum class ErrorKind {
    Usage,       // bad command line or request parameters
    Config,      // bad configuration file or value
    Auth,        // the API rejected the credentials (401/403)
    NotFound,    // the record or route does not exist
    RateLimited, // 429 after the retries were spent
    Transient,   // timeout, connection error, 5xx: worth retrying later
    Protocol,    // the peer answered something that is not what the contract says
    Http,        // a non-retryable HTTP status with an error body
    Forbidden,   // not allowed: a write in POST /sql, say
    TooLarge,    // over a configured limit (rows, bytes)
    Timeout,     // ran past its time limit
    Storage,     // SQLite failed
    Cancelled,   // a stop was requested
    Internal,    // a bug
};

// Short lower-case name of a kind, for logs and JSON.
const char* toString(ErrorKind kind) noexcept;

// A failure: its kind, a message meant for a human that says what to fix, and,
// for a refused request parameter or command-line flag, its name ("page[size]").
struct Error {
    ErrorKind kind = ErrorKind::Internal;
    std::string message;
    std::string parameter = {};
};

// Either a T or an Error.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

    bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(state_); }
    const T& value() const& { return std::get<0>(state_); }
    T&& value() && { return std::get<0>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const& { return std::get<1>(state_); }
    Error&& error() && { return std::get<1>(std::move(state_)); }

private:
    std::variant<T, Error> state_;
};

// Result of an operation that yields nothing but success.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}

    bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }
    const Error& error() const& { return error_; }
    Error&& error() && { return std::move(error_); }

private:
    Error error_;
    bool failed_ = false;
};

// Builds an Error in one expression: `return fail(ErrorKind::Protocol, "...")`.
inline Error fail(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }

// A refused parameter: `return invalidParameter("page[size]", "page[size] must be ...")`.
inline Error invalidParameter(std::string parameter, std::string message) {
    return Error{ErrorKind::Usage, std::move(message), std::move(parameter)};
}

} // namespace roomsd
