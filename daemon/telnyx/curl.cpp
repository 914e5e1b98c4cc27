#include "telnyx/curl.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <string_view>

#include "common/strings.hpp"

namespace roomsd::telnyx {

namespace {

// Headers an HTTP client acts on; the rest are dropped as they arrive, so a
// hostile server cannot make us keep an unbounded set.
constexpr std::array<std::string_view, 6> kKeptHeaders{
    "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "location", "content-type"};
constexpr std::size_t kMaxHeaderValue = 512;
// How long one curl_multi_poll may sleep; a stop or curl's own timers wake it sooner.
constexpr int kPollMillis = 1000;

// Per-transfer state the callbacks write into.
struct Transfer {
    HttpExchange* exchange;
    std::size_t maxBodyBytes;
    const std::stop_token* stop;
};

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    std::size_t bytes = size * count;
    HttpExchange& exchange = *transfer->exchange;
    if (exchange.body.size() + bytes > transfer->maxBodyBytes) {
        exchange.bodyTooLarge = true;
        return 0; // anything but `bytes` aborts with CURLE_WRITE_ERROR
    }
    try {
        exchange.body.append(data, bytes);
    } catch (...) { // no exception may unwind through libcurl's C frames
        return 0;
    }
    return bytes;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user) {
    auto* transfer = static_cast<Transfer*>(user);
    std::size_t bytes = size * count;
    std::string_view line(data, bytes);
    HttpExchange& exchange = *transfer->exchange;
    if (line.starts_with("HTTP/")) {
        exchange.headers.clear(); // a new response (after a 100 Continue, say): only the last one counts
        return bytes;
    }
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return bytes;
    std::string_view rawName = trim(line.substr(0, colon));
    auto kept = std::find_if(kKeptHeaders.begin(), kKeptHeaders.end(), [&](std::string_view known) {
        return known.size() == rawName.size() &&
               std::equal(known.begin(), known.end(), rawName.begin(),
                          [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
    });
    if (kept == kKeptHeaders.end()) return bytes;
    std::string name(*kept);
    try {
        exchange.headers[name] = std::string(trim(line.substr(colon + 1)).substr(0, kMaxHeaderValue));
    } catch (...) {
        return 0;
    }
    return bytes;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* transfer = static_cast<Transfer*>(user);
    return transfer->stop->stop_requested() ? 1 : 0; // non-zero aborts with CURLE_ABORTED_BY_CALLBACK
}

} // namespace

CurlGlobal::CurlGlobal() {
    if (CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK)
        throw std::runtime_error(std::string("curl_global_init failed: ") + curl_easy_strerror(code));
}

CurlGlobal::~CurlGlobal() { curl_global_cleanup(); }

CurlEasy::CurlEasy() : handle_(curl_easy_init()) {
    if (!handle_) throw std::runtime_error("curl_easy_init failed");
}

void CurlEasy::check(CURLcode code, CURLoption option) {
    if (code != CURLE_OK)
        throw std::logic_error("curl_easy_setopt(" + std::to_string(static_cast<int>(option)) +
                               ") failed: " + curl_easy_strerror(code));
}

CurlMulti::CurlMulti() : handle_(curl_multi_init()) {
    if (!handle_) throw std::runtime_error("curl_multi_init failed");
}

void CurlSlist::append(const std::string& line) {
    curl_slist* grown = curl_slist_append(list_.get(), line.c_str());
    if (!grown) throw std::runtime_error("curl_slist_append failed");
    // On success curl_slist_append returns the same head (or the new one when the list was empty).
    (void)list_.release();
    list_.reset(grown);
}

const std::string* HttpExchange::header(const std::string& lowerCaseName) const {
    auto it = headers.find(lowerCaseName);
    return it == headers.end() ? nullptr : &it->second;
}

CurlConnection::CurlConnection(const ConnectionSettings& settings) : maxBodyBytes_(settings.maxBodyBytes) {
    headers_.append("Accept: application/json");
    CurlEasy& e = easy_;
    e.set(CURLOPT_VERBOSE, 0L);
    e.set(CURLOPT_NOSIGNAL, 1L);
    e.set(CURLOPT_ERRORBUFFER, errorBuffer_);
    // Never follow a redirect: the API key must not travel to another host.
    e.set(CURLOPT_FOLLOWLOCATION, 0L);
    e.set(CURLOPT_PROTOCOLS_STR, "http,https");
    e.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    e.set(CURLOPT_ACCEPT_ENCODING, ""); // every encoding this libcurl decodes
    e.set(CURLOPT_TIMEOUT_MS, static_cast<long>(settings.timeout.count()));
    e.set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings.connectTimeout.count()));
    e.set(CURLOPT_TCP_KEEPALIVE, 1L);
    e.set(CURLOPT_USERAGENT, settings.userAgent.c_str());
    e.set(CURLOPT_HTTPHEADER, headers_.get());
    if (settings.bearerToken && !settings.bearerToken->empty()) {
        e.set(CURLOPT_HTTPAUTH, static_cast<unsigned long>(CURLAUTH_BEARER));
        e.set(CURLOPT_XOAUTH2_BEARER, settings.bearerToken->reveal().c_str()); // libcurl keeps its own copy
    }
    e.set(CURLOPT_WRITEFUNCTION, &onBody);
    e.set(CURLOPT_HEADERFUNCTION, &onHeader);
    e.set(CURLOPT_XFERINFOFUNCTION, &onProgress);
    e.set(CURLOPT_NOPROGRESS, 0L);
}

CurlConnection::~CurlConnection() = default;

HttpExchange CurlConnection::get(const std::string& url, std::stop_token stop) {
    HttpExchange exchange;
    Transfer transfer{&exchange, maxBodyBytes_, &stop};
    errorBuffer_[0] = '\0';
    CURL* e = easy_.get();
    CURLM* m = multi_.get();
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &transfer);
    if (CURLcode code = curl_easy_setopt(e, CURLOPT_URL, url.c_str()); code != CURLE_OK) {
        exchange.code = code;
        exchange.curlMessage = curl_easy_strerror(code);
        return exchange;
    }
    if (CURLMcode added = curl_multi_add_handle(m, e); added != CURLM_OK) {
        exchange.code = CURLE_FAILED_INIT;
        exchange.curlMessage = curl_multi_strerror(added);
        return exchange;
    }

    // curl_multi_poll sleeps in the kernel; the wakeup lets a stop end the sleep at once.
    std::stop_callback wakeOnStop(stop, [m] { curl_multi_wakeup(m); });
    bool done = false;
    while (!done) {
        int running = 0;
        if (CURLMcode mc = curl_multi_perform(m, &running); mc != CURLM_OK) {
            exchange.code = CURLE_FAILED_INIT;
            exchange.curlMessage = curl_multi_strerror(mc);
            break;
        }
        int queued = 0;
        while (CURLMsg* message = curl_multi_info_read(m, &queued)) {
            if (message->msg == CURLMSG_DONE && message->easy_handle == e) {
                exchange.code = message->data.result;
                done = true;
            }
        }
        if (done) break;
        if (stop.stop_requested()) {
            exchange.code = CURLE_ABORTED_BY_CALLBACK; // removing the handle below aborts the transfer
            break;
        }
        if (CURLMcode mc = curl_multi_poll(m, nullptr, 0, kPollMillis, nullptr); mc != CURLM_OK) {
            exchange.code = CURLE_FAILED_INIT;
            exchange.curlMessage = curl_multi_strerror(mc);
            break;
        }
    }
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &exchange.status);
    curl_off_t wireBytes = 0;
    if (curl_easy_getinfo(e, CURLINFO_SIZE_DOWNLOAD_T, &wireBytes) == CURLE_OK && wireBytes > 0)
        exchange.wireBytes = static_cast<std::uint64_t>(wireBytes);
    curl_multi_remove_handle(m, e);

    exchange.cancelled = exchange.code == CURLE_ABORTED_BY_CALLBACK && stop.stop_requested();
    if (exchange.code != CURLE_OK && exchange.curlMessage.empty())
        exchange.curlMessage = errorBuffer_[0] != '\0' ? std::string(errorBuffer_) : curl_easy_strerror(exchange.code);
    return exchange;
}

} // namespace roomsd::telnyx
