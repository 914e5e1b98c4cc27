// bench_query: query latency and throughput, over roomsd's Unix socket or in-process.
//
//   bench_query --socket PATH --requests FILE [--clients 1] [--duration-ms 2000]
//       N threads, each with one keep-alive HTTP/1.1 connection (raw AF_UNIX socket, so that the
//       client costs next to nothing), send the requests of FILE in turn (thread i starts at line
//       i) until the duration has passed and each has had at least one answer. FILE: one request
//       a line, "GET<TAB>TARGET" or "POST<TAB>TARGET<TAB>BODY" (a body of one line, text/plain).
//   bench_query --db FILE --sql SQL [--duration-ms 2000]
//       The same SQL run in this process on a read-only SQLiteCpp connection, every row and column
//       read, over and over: the limit the /sql figures stand beside.
//
// Prints one JSON object: requests, errors (non-200 or broken answers), p50_ms, p99_ms,
// requests_per_s, wall_s. Every socket read has a 120 s timeout. Thread-safety: each client
// thread owns its socket and its latency vector; they are joined before the figures are made.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Request {
    std::string wire; // the whole request as sent
};

struct ClientResult {
    std::vector<double> latenciesMs;
    long errors = 0;
};

// One keep-alive connection to a Unix socket; reconnects when the server closed it.
class UnixHttpConnection {
public:
    explicit UnixHttpConnection(std::string path) : path_(std::move(path)) {}
    ~UnixHttpConnection() { closeSocket(); }
    UnixHttpConnection(const UnixHttpConnection&) = delete;
    UnixHttpConnection& operator=(const UnixHttpConnection&) = delete;

    // Sends `wire` and reads one answer; its status, or 0 when the exchange failed.
    int exchange(const std::string& wire) {
        if (fd_ < 0 && !connectSocket()) return 0;
        if (!sendAll(wire)) return fail();
        buffer_.clear();
        std::size_t headerEnd;
        while ((headerEnd = buffer_.find("\r\n\r\n")) == std::string::npos)
            if (!readMore()) return fail();
        int status = std::atoi(buffer_.c_str() + 9); // "HTTP/1.1 200 OK"
        std::string head = buffer_.substr(0, headerEnd);
        for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::size_t lengthAt = head.find("\r\ncontent-length:");
        if (lengthAt == std::string::npos) return fail();
        std::size_t length = std::strtoul(head.c_str() + lengthAt + 17, nullptr, 10);
        while (buffer_.size() < headerEnd + 4 + length)
            if (!readMore()) return fail();
        if (head.find("\r\nconnection: close") != std::string::npos) closeSocket();
        return status;
    }

private:
    bool connectSocket() {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) return false;
        // Long enough for a slow /sql answer queued behind 63 others.
        timeval timeout{120, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path_.c_str(), sizeof address.sun_path - 1);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
            closeSocket();
            return false;
        }
        return true;
    }
    bool sendAll(const std::string& data) {
        std::size_t sent = 0;
        while (sent < data.size()) {
            ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return false;
            sent += static_cast<std::size_t>(n);
        }
        return true;
    }
    bool readMore() {
        char chunk[65536];
        ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) return false;
        buffer_.append(chunk, static_cast<std::size_t>(n));
        return true;
    }
    int fail() {
        closeSocket();
        return 0;
    }
    void closeSocket() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    std::string path_;
    int fd_ = -1;
    std::string buffer_;
};

std::vector<Request> readRequests(const std::string& file) {
    std::vector<Request> requests;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        std::size_t tab1 = line.find('\t');
        if (tab1 == std::string::npos) continue;
        std::size_t tab2 = line.find('\t', tab1 + 1);
        std::string method = line.substr(0, tab1);
        std::string target = line.substr(tab1 + 1, tab2 == std::string::npos ? std::string::npos : tab2 - tab1 - 1);
        std::string body = tab2 == std::string::npos ? "" : line.substr(tab2 + 1);
        std::string wire = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n";
        if (method == "POST")
            wire += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
        wire += "\r\n" + body;
        requests.push_back({std::move(wire)});
    }
    return requests;
}

double percentile(std::vector<double>& sorted, double p) {
    if (sorted.empty()) return 0;
    std::size_t index = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
    return sorted[std::min(index, sorted.size() - 1)];
}

void printFigures(std::vector<double> latencies, long errors, double wall) {
    std::sort(latencies.begin(), latencies.end());
    std::printf("{\"requests\":%zu,\"errors\":%ld,\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"requests_per_s\":%.1f,"
                "\"wall_s\":%.4f}\n",
                latencies.size(), errors, percentile(latencies, 0.50), percentile(latencies, 0.99),
                wall > 0 ? static_cast<double>(latencies.size()) / wall : 0.0, wall);
}

int runSocket(const std::string& socket, const std::string& file, int clients, std::chrono::milliseconds duration) {
    std::vector<Request> requests = readRequests(file);
    if (requests.empty()) {
        std::fprintf(stderr, "bench_query: no requests in %s\n", file.c_str());
        return 2;
    }
    std::vector<ClientResult> results(static_cast<std::size_t>(clients));
    auto start = Clock::now();
    auto deadline = start + duration;
    {
        std::vector<std::jthread> threads;
        for (int c = 0; c < clients; ++c) {
            threads.emplace_back([&, c] {
                UnixHttpConnection connection(socket);
                ClientResult& result = results[static_cast<std::size_t>(c)];
                std::size_t next = static_cast<std::size_t>(c) % requests.size();
                // Bounded by the deadline; the hard cap stops a client whose every attempt fails at once.
                for (long attempt = 0; attempt < 100000000; ++attempt) {
                    auto sent = Clock::now();
                    if (sent >= deadline && !result.latenciesMs.empty()) break;
                    if (sent >= deadline + duration) break; // nothing answers: give up
                    int status = connection.exchange(requests[next].wire);
                    next = (next + 1) % requests.size();
                    if (status != 200) {
                        ++result.errors;
                        continue;
                    }
                    result.latenciesMs.push_back(
                        std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
                }
            });
        }
    }
    double wall = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<double> all;
    long errors = 0;
    for (auto& r : results) {
        all.insert(all.end(), r.latenciesMs.begin(), r.latenciesMs.end());
        errors += r.errors;
    }
    printFigures(std::move(all), errors, wall);
    return 0;
}

int runInProcess(const std::string& db, const std::string& sql, std::chrono::milliseconds duration) {
    try {
        SQLite::Database connection(db, SQLite::OPEN_READONLY);
        SQLite::Statement query(connection, sql);
        std::vector<double> latencies;
        auto start = Clock::now();
        std::size_t bytes = 0;
        for (long run = 0; run < 100000000; ++run) {
            auto began = Clock::now();
            if (began >= start + duration && !latencies.empty()) break;
            while (query.executeStep())
                for (int i = 0; i < query.getColumnCount(); ++i) bytes += query.getColumn(i).getString().size();
            query.reset();
            latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - began).count());
        }
        double wall = std::chrono::duration<double>(Clock::now() - start).count();
        (void)bytes; // read so that every value is really produced
        printFigures(std::move(latencies), 0, wall);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_query: %s\n", e.what());
        return 1;
    }
}

} // namespace

int main(int argc, char** argv) {
    std::string socket, file, db, sql;
    int clients = 1;
    long durationMs = 2000;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string name = argv[i];
        if (name == "--socket")
            socket = argv[i + 1];
        else if (name == "--requests")
            file = argv[i + 1];
        else if (name == "--db")
            db = argv[i + 1];
        else if (name == "--sql")
            sql = argv[i + 1];
        else if (name == "--clients")
            clients = std::atoi(argv[i + 1]);
        else if (name == "--duration-ms")
            durationMs = std::atol(argv[i + 1]);
    }
    bool socketMode = !socket.empty() && !file.empty();
    bool inProcess = !db.empty() && !sql.empty();
    if ((argc % 2) != 1 || socketMode == inProcess || clients < 1 || clients > 1024 || durationMs < 1) {
        std::fprintf(stderr, "usage: bench_query --socket PATH --requests FILE [--clients N] [--duration-ms MS]\n"
                             "       bench_query --db FILE --sql SQL [--duration-ms MS]\n");
        return 2;
    }
    auto duration = std::chrono::milliseconds(durationMs);
    return socketMode ? runSocket(socket, file, clients, duration) : runInProcess(db, sql, duration);
}
