// A plain HTTP client for tests (libcurl), over TCP or a Unix socket.
// It does no retries and no checks of its own: the test sees exactly what came back.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace roomsd::test {

struct HttpResponse {
    long status = 0;                            // 0 when no response arrived
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;
    std::string error; // curl's message when status == 0
    std::string header(const std::string& name) const;
};

struct HttpRequest {
    std::string method = "GET";
    std::string url;                  // http://127.0.0.1:PORT/path or http://localhost/path with unixSocket
    std::vector<std::string> headers; // "Name: value"
    std::string body;
    std::string unixSocket; // when set, connect there instead of the URL's host
    long timeoutMs = 30000;
    bool acceptGzip = false;
};

HttpResponse send(const HttpRequest& request);
// GET `url` with an optional bearer token.
HttpResponse get(const std::string& url, const std::string& bearer = "");

} // namespace roomsd::test
