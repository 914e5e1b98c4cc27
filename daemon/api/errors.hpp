// The query API's exception: start-up only.
// Thread-safety: plain values.
#pragma once

#include <stdexcept>

namespace roomsd::api {

// Thrown by QueryServer::start() when the server cannot listen; what() is the whole message.
class ServerError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace roomsd::api
