#include "gzip.hpp"

#include <zlib.h>

#include <cctype>
#include <memory>
#include <stdexcept>

#include "common/strings.hpp"

namespace roomsd::sim {
namespace {

std::string lowerCase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The q value of one Accept-Encoding element ("gzip;q=0.5"); 1 when absent, 0 when malformed.
double qualityOf(std::string_view parameters) {
    for (std::string_view parameter : split(parameters, ';')) {
        parameter = trim(parameter);
        if (parameter.size() < 2 || (parameter[0] != 'q' && parameter[0] != 'Q') || parameter[1] != '=') continue;
        std::string value(trim(parameter.substr(2)));
        try {
            std::size_t used = 0;
            double q = std::stod(value, &used);
            return used == value.size() ? q : 0.0;
        } catch (const std::exception&) {
            return 0.0;
        }
    }
    return 1.0;
}

struct DeflateStream {
    z_stream stream{};
    DeflateStream() {
        // 15 window bits + 16: a gzip header and trailer instead of zlib's.
        if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            throw std::runtime_error("zlib: deflateInit2 failed");
    }
    ~DeflateStream() { deflateEnd(&stream); }
    DeflateStream(const DeflateStream&) = delete;
    DeflateStream& operator=(const DeflateStream&) = delete;
};

} // namespace

bool acceptsGzip(std::string_view acceptEncoding) {
    bool star = false;
    for (std::string_view element : split(acceptEncoding, ',')) {
        element = trim(element);
        auto semicolon = element.find(';');
        std::string coding = lowerCase(trim(element.substr(0, semicolon)));
        double q = semicolon == std::string_view::npos ? 1.0 : qualityOf(element.substr(semicolon + 1));
        if (coding == "gzip" || coding == "x-gzip") return q > 0;
        if (coding == "*") star = q > 0;
    }
    return star;
}

std::string gzipCompress(std::string_view data) {
    DeflateStream deflater;
    std::string out;
    out.resize(deflateBound(&deflater.stream, static_cast<uLong>(data.size())) + 32);
    // zlib's API is not const-correct; it does not write through next_in.
    deflater.stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    deflater.stream.avail_in = static_cast<uInt>(data.size());
    deflater.stream.next_out = reinterpret_cast<Bytef*>(out.data());
    deflater.stream.avail_out = static_cast<uInt>(out.size());
    if (deflate(&deflater.stream, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("zlib: deflate failed");
    out.resize(deflater.stream.total_out);
    return out;
}

} // namespace roomsd::sim
