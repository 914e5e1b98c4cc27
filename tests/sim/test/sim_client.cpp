// The simulator tests' helpers (see sim_client.hpp). Thread-safety: see sim_client.hpp.
#include "sim_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace roomsd::simtest {

json::value apiJson(const test::SimProcess& sim, const std::string& pathAndQuery) {
    test::HttpResponse response = apiGet(sim, pathAndQuery);
    INFO("GET " << pathAndQuery << " -> " << response.status << " " << response.error << " "
                << response.body.substr(0, 300));
    REQUIRE(response.status == 200);
    return parseJson(response.body);
}

json::array listAll(const test::SimProcess& sim, const std::string& path, const std::string& query, int pageSize) {
    json::array all;
    std::int64_t expectedPages = -1;
    for (std::int64_t page = 1;; ++page) {
        json::value body = apiJson(sim, path + "?" + query + "page[size]=" + std::to_string(pageSize) +
                                            "&page[number]=" + std::to_string(page));
        const json::object& meta = body.at("meta").as_object();
        CHECK(meta.at("page_number").as_int64() == page);
        CHECK(meta.at("page_size").as_int64() == pageSize);
        std::int64_t total = meta.at("total_results").as_int64();
        std::int64_t pages = meta.at("total_pages").as_int64();
        CHECK(pages == (total + pageSize - 1) / pageSize);
        if (expectedPages >= 0) CHECK(pages == expectedPages);
        expectedPages = pages;
        const json::array& data = body.at("data").as_array();
        if (page < pages) CHECK(static_cast<std::int64_t>(data.size()) == pageSize);
        if (page == pages) CHECK(static_cast<std::int64_t>(data.size()) == total - (pages - 1) * pageSize);
        for (const auto& record : data) all.push_back(record);
        if (page >= pages) {
            CHECK(static_cast<std::int64_t>(all.size()) == total);
            return all;
        }
    }
}

namespace {

// A socket connected to 127.0.0.1:`port` that has sent `request`; -1 when it cannot connect.
int connectAndSend(int port, const std::string& request) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    std::size_t sent = 0;
    while (sent < request.size()) {
        ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    return fd;
}

} // namespace

OpenConnection::OpenConnection(int port, const std::string& request) : fd_(connectAndSend(port, request)) {
    REQUIRE(fd_ >= 0);
}

OpenConnection::~OpenConnection() {
    if (fd_ >= 0) ::close(fd_);
}

bool OpenConnection::heardWithin(int timeoutMs) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) > 0;
}

std::string rawExchange(int port, const std::string& request, int timeoutMs) {
    int fd = connectAndSend(port, request);
    std::string received;
    if (fd >= 0) {
        char buffer[65536];
        while (true) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, timeoutMs) <= 0) break;
            ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            received.append(buffer, static_cast<std::size_t>(n));
        }
    }
    if (fd >= 0) ::close(fd);
    return received;
}

std::string rawGet(const std::string& target, const std::vector<std::string>& headers) {
    std::string text = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& h : headers) text += h + "\r\n";
    return text + "\r\n";
}

} // namespace roomsd::simtest
