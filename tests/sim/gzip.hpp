// gzip for response bodies (zlib), and the Accept-Encoding check that allows it.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace roomsd::sim {

// True when an Accept-Encoding header value accepts gzip (gzip, x-gzip or *, with q > 0).
bool acceptsGzip(std::string_view acceptEncoding);

// `data` as a gzip member (RFC 1952). Throws std::runtime_error if zlib fails (it only does when out of memory).
std::string gzipCompress(std::string_view data);

} // namespace roomsd::sim
