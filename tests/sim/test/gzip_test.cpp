// gzip bodies and the Accept-Encoding check.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <stdexcept>

#include "gzip.hpp"

using namespace roomsd::sim;

namespace {

std::string gunzip(const std::string& data) {
    z_stream stream{};
    REQUIRE(inflateInit2(&stream, 15 + 16) == Z_OK);
    std::string out(1 << 20, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    int rc = inflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    inflateEnd(&stream);
    REQUIRE(rc == Z_STREAM_END);
    return out;
}

} // namespace

TEST_CASE("gzipCompress makes a gzip member that inflates to the input") {
    std::string text;
    for (int i = 0; i < 2000; ++i) text += R"({"id":"room-)" + std::to_string(i) + R"(","context":"Zo\u00eb"},)";
    std::string packed = gzipCompress(text);
    REQUIRE(packed.size() > 2);
    CHECK(static_cast<unsigned char>(packed[0]) == 0x1f); // gzip magic
    CHECK(static_cast<unsigned char>(packed[1]) == 0x8b);
    CHECK(packed.size() < text.size());
    CHECK(gunzip(packed) == text);
    CHECK(gunzip(gzipCompress("")).empty());
}

TEST_CASE("Accept-Encoding allows gzip by name, alias or wildcard, unless q=0") {
    CHECK(acceptsGzip("gzip"));
    CHECK(acceptsGzip("deflate, gzip;q=0.5"));
    CHECK(acceptsGzip("GZIP"));
    CHECK(acceptsGzip("x-gzip"));
    CHECK(acceptsGzip("br, *"));
    CHECK_FALSE(acceptsGzip(""));
    CHECK_FALSE(acceptsGzip("identity"));
    CHECK_FALSE(acceptsGzip("deflate, br"));
    CHECK_FALSE(acceptsGzip("gzip;q=0"));
    CHECK_FALSE(acceptsGzip("*, gzip;q=0"));
    CHECK_FALSE(acceptsGzip("*;q=0"));
}
