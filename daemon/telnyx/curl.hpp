// Thin RAII owners of libcurl's C handles, in the manner of MPD's curl wrappers,
// and CurlConnection: one kept-alive HTTP connection that runs one GET at a time.
//
// CurlGlobal brackets curl_global_init/cleanup: main() (or a test) keeps exactly
// one alive for as long as any other curl object exists. CurlEasy, CurlMulti and
// CurlSlist own one handle each and free it in their destructor; they throw
// std::runtime_error only when libcurl cannot allocate, which is a start-up or
// out-of-memory condition, never a request failure. CurlConnection::get reports
// every failure of a request in the returned HttpExchange. It knows HTTP
// mechanics only; what a status means for Telnyx is the client's business.
// Thread-safety: CurlGlobal must be created and destroyed while no other thread
// uses libcurl. Each other object belongs to one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <curl/curl.h>
#include <map>
#include <memory>
#include <stop_token>
#include <string>

#include "common/secret.hpp"

namespace roomsd::telnyx {

// curl_global_init(CURL_GLOBAL_DEFAULT) for the lifetime of the object.
class CurlGlobal {
public:
    CurlGlobal();
    ~CurlGlobal();
    CurlGlobal(const CurlGlobal&) = delete;
    CurlGlobal& operator=(const CurlGlobal&) = delete;
};

// One easy handle (one transfer at a time).
class CurlEasy {
public:
    CurlEasy();
    CURL* get() const noexcept { return handle_.get(); }

    // curl_easy_setopt that throws std::logic_error on failure: a failing option is a bug
    // or a libcurl built without a feature this program needs, not a runtime condition.
    template <class Value>
    void set(CURLoption option, Value value) {
        check(curl_easy_setopt(handle_.get(), option, value), option);
    }

private:
    static void check(CURLcode code, CURLoption option);
    struct Deleter {
        void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
    };
    std::unique_ptr<CURL, Deleter> handle_;
};

// One multi handle: drives transfers and owns the cache of kept-alive connections.
class CurlMulti {
public:
    CurlMulti();
    CURLM* get() const noexcept { return handle_.get(); }

private:
    struct Deleter {
        void operator()(CURLM* handle) const noexcept { curl_multi_cleanup(handle); }
    };
    std::unique_ptr<CURLM, Deleter> handle_;
};

// A curl_slist of header lines, for CURLOPT_HTTPHEADER.
class CurlSlist {
public:
    CurlSlist() = default;
    void append(const std::string& line);
    curl_slist* get() const noexcept { return list_.get(); }

private:
    struct Deleter {
        void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
    };
    std::unique_ptr<curl_slist, Deleter> list_;
};

// What every request on a CurlConnection shares.
struct ConnectionSettings {
    std::chrono::milliseconds timeout{30000}; // whole request
    std::chrono::milliseconds connectTimeout{10000};
    std::size_t maxBodyBytes = 64u << 20; // decoded bytes
    std::string userAgent;
    const Secret* bearerToken = nullptr; // sent as "Authorization: Bearer"; never logged
};

// What one GET came back with.
struct HttpExchange {
    CURLcode code = CURLE_OK;    // CURLE_OK when a whole response arrived
    long status = 0;             // HTTP status of the last response, 0 when none arrived
    std::string body;            // decoded (gzip undone); cut short when bodyTooLarge
    std::uint64_t wireBytes = 0; // body bytes as received, before decoding
    // The headers of the last response that HTTP clients act on (see kKeptHeaders in
    // curl.cpp), names in lower case.
    std::map<std::string, std::string> headers;
    bool bodyTooLarge = false; // aborted on passing maxBodyBytes
    bool cancelled = false;    // aborted because the stop_token was triggered
    std::string curlMessage;   // libcurl's description of a failure, "" on success

    // The value of header `lowerCaseName`, or nullptr.
    const std::string* header(const std::string& lowerCaseName) const;
};

// One connection (kept alive between requests) that runs one GET at a time.
// Redirects are never followed, only http and https are spoken, gzip and deflate
// are accepted and decoded.
class CurlConnection {
public:
    explicit CurlConnection(const ConnectionSettings& settings);
    ~CurlConnection();
    CurlConnection(const CurlConnection&) = delete;
    CurlConnection& operator=(const CurlConnection&) = delete;

    // GETs `url`; a stop requested on `stop` aborts the transfer within milliseconds.
    HttpExchange get(const std::string& url, std::stop_token stop);

private:
    std::size_t maxBodyBytes_;
    CurlSlist headers_;
    // The multi handle keeps the connection cache, so it outlives every transfer of easy_.
    CurlMulti multi_;
    CurlEasy easy_;
    char errorBuffer_[CURL_ERROR_SIZE] = {};
};

} // namespace roomsd::telnyx
