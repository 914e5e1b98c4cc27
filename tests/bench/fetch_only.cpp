// bench_fetch: the fetch-only limit of a sync. Sends the given GET targets to a server with a
// fixed number of keep-alive connections in flight (libcurl multi, one thread), accepting gzip as
// roomsd does, and discards every body. What is left is the cost of the requests themselves:
// what any client of the API pays, whatever it does with the bodies.
//
//   TELNYX_API_KEY=KEY bench_fetch --root http://127.0.0.1:PORT --targets FILE [--concurrency 4]
//
// FILE holds one target a line ("/v2/rooms?page%5Bnumber%5D=1&..."), sent in that order. The key
// comes from the environment, never from argv. Prints one JSON object: requests, failures, body
// bytes, wall and CPU seconds. Exit 1 when any request failed or was answered other than 200 or 404.
// Thread-safety: single-threaded.
#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "cpu_time.hpp"

namespace {

struct Options {
    std::string root;
    std::string targetsFile;
    int concurrency = 4;
};

size_t discardBody(char*, size_t size, size_t count, void* bytes) {
    *static_cast<long long*>(bytes) += static_cast<long long>(size * count);
    return size * count;
}

struct EasyDeleter {
    void operator()(CURL* e) const { curl_easy_cleanup(e); }
};
struct MultiDeleter {
    void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

bool parseArgs(int argc, char** argv, Options& options) {
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string name = argv[i];
        if (name == "--root")
            options.root = argv[i + 1];
        else if (name == "--targets")
            options.targetsFile = argv[i + 1];
        else if (name == "--concurrency")
            options.concurrency = std::atoi(argv[i + 1]);
        else
            return false;
    }
    return (argc % 2) == 1 && !options.root.empty() && !options.targetsFile.empty() && options.concurrency >= 1 &&
           options.concurrency <= 256;
}

} // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parseArgs(argc, argv, options)) {
        std::fprintf(stderr, "usage: TELNYX_API_KEY=KEY bench_fetch --root URL --targets FILE [--concurrency N]\n");
        return 2;
    }
    const char* key = std::getenv("TELNYX_API_KEY");
    if (key == nullptr || *key == '\0') {
        std::fprintf(stderr, "bench_fetch: TELNYX_API_KEY is not set\n");
        return 2;
    }
    std::vector<std::string> targets;
    {
        std::ifstream in(options.targetsFile);
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) targets.push_back(options.root + line);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    std::unique_ptr<curl_slist, SlistDeleter> headers(
        curl_slist_append(nullptr, (std::string("Authorization: Bearer ") + key).c_str()));
    std::unique_ptr<CURLM, MultiDeleter> multi(curl_multi_init());
    curl_multi_setopt(multi.get(), CURLMOPT_MAXCONNECTS, static_cast<long>(options.concurrency));

    const int slots = std::min<int>(options.concurrency, static_cast<int>(targets.size()));
    std::vector<std::unique_ptr<CURL, EasyDeleter>> handles;
    long long bodyBytes = 0;
    for (int i = 0; i < slots; ++i) {
        CURL* e = curl_easy_init();
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers.get());
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); // as roomsd: every encoding libcurl decodes
        curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 30000L);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &discardBody);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, &bodyBytes);
        handles.emplace_back(e);
    }

    auto start = std::chrono::steady_clock::now();
    double cpuStart = roomsd::bench::processCpuSeconds();
    std::size_t next = 0;
    long long failures = 0;
    auto launch = [&](CURL* e) {
        curl_easy_setopt(e, CURLOPT_URL, targets[next++].c_str());
        curl_multi_add_handle(multi.get(), e);
    };
    for (auto& h : handles) launch(h.get());
    int running = slots;
    // Bounded: every transfer has a 30 s timeout and each completion starts at most one more.
    while (running > 0) {
        curl_multi_perform(multi.get(), &running);
        int queued = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi.get(), &queued)) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL* e = msg->easy_handle;
            long status = 0;
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
            // A 404 is an answer too: roomsd asks by id for records that may be gone.
            if (msg->data.result != CURLE_OK || (status != 200 && status != 404)) ++failures;
            curl_multi_remove_handle(multi.get(), e);
            if (next < targets.size()) {
                launch(e);
                ++running;
            }
        }
        if (running > 0) curl_multi_poll(multi.get(), nullptr, 0, 1000, nullptr);
    }
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu = roomsd::bench::processCpuSeconds() - cpuStart;
    std::printf("{\"requests\":%zu,\"failures\":%lld,\"body_bytes\":%lld,\"wall_s\":%.6f,\"cpu_s\":%.6f}\n", next,
                failures, bodyBytes, wall, cpu);
    handles.clear();
    multi.reset();
    curl_global_cleanup();
    return failures == 0 ? 0 : 1;
}
