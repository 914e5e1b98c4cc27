#include "common/result.hpp"

namespace roomsd {

const char* toString(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::Usage: return "usage";
    case ErrorKind::Config: return "config";
    case ErrorKind::Auth: return "auth";
    case ErrorKind::NotFound: return "not_found";
    case ErrorKind::RateLimited: return "rate_limited";
    case ErrorKind::Transient: return "transient";
    case ErrorKind::Protocol: return "protocol";
    case ErrorKind::Http: return "http";
    case ErrorKind::Forbidden: return "forbidden";
    case ErrorKind::TooLarge: return "too_large";
    case ErrorKind::Timeout: return "timeout";
    case ErrorKind::Storage: return "storage";
    case ErrorKind::Cancelled: return "cancelled";
    case ErrorKind::Internal: return "internal";
    }
    return "internal";
}

} // namespace roomsd
