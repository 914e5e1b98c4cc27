#include "telnyx/client.hpp"

#include <algorithm>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <exception>
#include <functional>
#include <mutex>
#include <random>
#include <spdlog/spdlog.h>
#include <vector>

#include "common/strings.hpp"
#include "telnyx/backoff.hpp"
#include "telnyx/curl.hpp"
#include "telnyx/rate_gate.hpp"

namespace roomsd::telnyx {

using std::chrono::milliseconds;
using Clock = RateGate::Clock;

namespace {

namespace urls = boost::urls;

// A name, value or id escaped down to RFC 3986's unreserved characters: Boost.URL's own
// query charset would leave '+' raw, which servers read as a space, and '[' ']' as well.
std::string escaped(std::string_view text) { return urls::encode(text, urls::unreserved_chars); }

void addParam(urls::url& target, std::string_view name, std::string_view value) {
    target.encoded_params().append({escaped(name), escaped(value)});
}

// "GET /rooms?page[number]=2": the target percent-decoded, for people reading the log.
std::string describeRequest(std::string_view target) {
    std::string decoded(target);
    if (auto parsed = urls::make_pct_string_view(target)) decoded = parsed->decode();
    return "GET " + printableForLog(decoded, 300);
}

bool isSuccess(long status) { return status >= 200 && status < 300; }

// libcurl failures that another attempt cannot cure, and the kind to report them as.
std::optional<ErrorKind> permanentFailureKind(CURLcode code) {
    switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return ErrorKind::Config;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR: return ErrorKind::Protocol;
    case CURLE_FAILED_INIT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_OUT_OF_MEMORY: return ErrorKind::Internal;
    default: return std::nullopt;
    }
}

// The response started (a status line arrived) but its body ended early or did not decode.
bool isCutShort(const HttpExchange& exchange) {
    switch (exchange.code) {
    case CURLE_PARTIAL_FILE:
    case CURLE_BAD_CONTENT_ENCODING: return true;
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING: return exchange.status != 0;
    default: return false;
    }
}

std::optional<std::int64_t> integerHeader(const HttpExchange& exchange, const std::string& name) {
    const std::string* value = exchange.header(name);
    if (!value) return std::nullopt;
    auto n = parseInteger(trim(*value));
    if (!n) return std::nullopt;
    return static_cast<std::int64_t>(*n);
}

// What a response tells the retry loop.
struct Verdict {
    enum class Action { Answered, NotFound, Retry, Stop } action = Action::Stop;
    Error error;                            // for Retry (the failure if retries run out) and Stop
    std::optional<milliseconds> serverWait; // for Retry: what the server asked for
};

} // namespace

std::string listRequestTarget(const model::RecordSchema& schema, const ListQuery& query) {
    urls::url target;
    target.set_path(schema.listPath);
    if (query.updatedSince) addParam(target, "filter[date_updated_at][gte]", formatDate(*query.updatedSince));
    addParam(target, "page[number]", std::to_string(query.pageNumber));
    addParam(target, "page[size]", std::to_string(query.pageSize));
    if (query.includeChildren && !schema.includeChildParam.empty()) addParam(target, schema.includeChildParam, "true");
    return std::string(target.buffer());
}

std::string recordRequestTarget(const model::RecordSchema& schema, std::string_view id) {
    urls::url target;
    target.set_path(schema.listPath);
    target.encoded_segments().push_back(escaped(id));
    return std::string(target.buffer());
}

// Parses a 2xx body into the caller's result; an Error (retried) when it is not the expected JSON.
using BodyParser = std::function<Result<void>(std::string_view body)>;

struct TelnyxClient::Impl {
    Impl(ClientOptions clientOptions, Secret key)
        : options(std::move(clientOptions)), apiKey(std::move(key)), random(std::random_device{}()) {
        while (options.baseUrl.ends_with('/')) options.baseUrl.pop_back(); // targets start with '/'
        settings.timeout = options.timeout;
        settings.connectTimeout = options.connectTimeout;
        settings.maxBodyBytes = options.maxBodyBytes;
        settings.userAgent = options.userAgent;
        settings.bearerToken = &apiKey;
        // One connection made now, so that a libcurl lacking an option this client needs fails at start-up.
        idle.push_back(std::make_unique<CurlConnection>(settings));
    }

    // A pooled connection for one call, returned to the pool when the lease ends.
    class Lease {
    public:
        explicit Lease(Impl& impl) : impl_(impl) {
            {
                std::lock_guard lock(impl_.poolMutex);
                if (!impl_.idle.empty()) {
                    connection_ = std::move(impl_.idle.back());
                    impl_.idle.pop_back();
                }
            }
            if (!connection_) connection_ = std::make_unique<CurlConnection>(impl_.settings);
        }
        ~Lease() {
            std::lock_guard lock(impl_.poolMutex);
            impl_.idle.push_back(std::move(connection_));
        }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        CurlConnection& operator*() { return *connection_; }

    private:
        Impl& impl_;
        std::unique_ptr<CurlConnection> connection_;
    };

    // The API key must never leave this object except towards the API: whatever the server or
    // libcurl said (a body, a header, a parse error quoting a body) may echo it, so each such
    // part is scrubbed before it joins a message. The client's own words are left alone, since
    // a short key would otherwise be cut out of them ("the API [redacted]ey").
    std::string redact(std::string_view text) const { return redactSecret(text, apiKey); }

    void count(const HttpExchange& exchange) {
        std::lock_guard lock(statsMutex);
        ++stats.requests;
        if (exchange.cancelled) return; // stopped by us: no answer to count
        // A transfer that failed part-way counts as "no HTTP response", even if a status line came.
        ++stats.byStatus[exchange.code == CURLE_OK ? static_cast<int>(exchange.status) : 0];
        stats.bodyBytesOnWire += exchange.wireBytes;
        stats.bodyBytesDecoded += exchange.body.size();
        if (auto remaining = integerHeader(exchange, "x-ratelimit-remaining")) stats.rateLimitRemaining = *remaining;
        if (auto limit = integerHeader(exchange, "x-ratelimit-limit")) {
            stats.rateLimitLimit = *limit;
            if (auto reset = rateLimitReset(exchange)) gate.learnLimit(*limit, *reset, options.maxServerWait);
        }
    }

    std::optional<milliseconds> rateLimitReset(const HttpExchange& exchange) const {
        const std::string* reset = exchange.header("x-ratelimit-reset");
        return reset ? parseRateLimitReset(*reset, std::chrono::system_clock::now()) : std::nullopt;
    }

    std::optional<milliseconds> retryAfter(const HttpExchange& exchange) const {
        const std::string* value = exchange.header("retry-after");
        return value ? parseRetryAfter(*value, std::chrono::system_clock::now()) : std::nullopt;
    }

    void pauseEveryone(milliseconds wait) {
        gate.pauseUntil(Clock::now() + std::min<milliseconds>(wait, options.maxServerWait));
    }

    Verdict judge(const HttpExchange& exchange, const std::string& request, bool notFoundIsAnswer,
                  const BodyParser& parse) {
        using Action = Verdict::Action;
        const long status = exchange.status;
        const std::string httpStatus = "HTTP " + std::to_string(status);
        if (exchange.bodyTooLarge)
            return {Action::Stop,
                    fail(ErrorKind::Protocol, request + ": the response body is larger than the limit of " +
                                                  std::to_string(options.maxBodyBytes) + " bytes (" + httpStatus + ")"),
                    {}};
        if (exchange.code != CURLE_OK) {
            std::string what = request + ": " + redact(exchange.curlMessage) + " (curl error " +
                               std::to_string(static_cast<int>(exchange.code)) +
                               (status != 0 ? ", after " + httpStatus + ")" : ")");
            if (auto kind = permanentFailureKind(exchange.code)) return {Action::Stop, fail(*kind, what), {}};
            // A response whose body was cut short is a bad body (maybe a truncated transfer):
            // retried like a connection error, but reported as what it is when retries run out.
            ErrorKind kind = isCutShort(exchange) ? ErrorKind::Protocol : ErrorKind::Transient;
            return {Action::Retry, fail(kind, what), {}};
        }
        if (isSuccess(status)) {
            // "0 requests left until the reset": hold everyone's next request until then.
            if (integerHeader(exchange, "x-ratelimit-remaining") == 0)
                if (auto reset = rateLimitReset(exchange)) pauseEveryone(*reset);
            if (auto parsed = parse(exchange.body); !parsed)
                return {Action::Retry,
                        fail(ErrorKind::Protocol,
                             request + ": " + httpStatus +
                                 " with a body that is not the expected JSON: " + redact(parsed.error().message) +
                                 " (body: " + redact(describeErrorBody(exchange.body)) + ")"),
                        {}};
            return {Action::Answered, {}, {}};
        }
        const std::string body = redact(describeErrorBody(exchange.body));
        if (status == 401 || status == 403)
            return {Action::Stop,
                    fail(ErrorKind::Auth, "the Telnyx API rejected the API key from " + options.keySource + " (" +
                                              httpStatus + " on " + request + "): " + body),
                    {}};
        if (status == 404 && notFoundIsAnswer) return {Action::NotFound, {}, {}};
        if (status == 429) {
            std::optional<milliseconds> wait = retryAfter(exchange);
            if (auto reset = rateLimitReset(exchange)) wait = std::max(wait.value_or(milliseconds(0)), *reset);
            if (wait) pauseEveryone(*wait);
            return {Action::Retry, fail(ErrorKind::RateLimited, request + ": " + httpStatus + ": " + body), wait};
        }
        if (status >= 500)
            return {Action::Retry, fail(ErrorKind::Transient, request + ": " + httpStatus + ": " + body),
                    retryAfter(exchange)};
        if (status >= 300 && status < 400) {
            const std::string* location = exchange.header("location");
            return {Action::Stop,
                    fail(ErrorKind::Http, request + ": " + httpStatus + " redirect" +
                                              (location ? " to " + redact(quoteForLog(*location)) : std::string()) +
                                              " not followed (the API key is only sent to the configured base URL)"),
                    {}};
        }
        return {Action::Stop, fail(ErrorKind::Http, request + ": " + httpStatus + ": " + body), {}};
    }

    milliseconds jitter(int retryIndex) {
        std::lock_guard lock(randomMutex);
        return jitteredBackoff(retryIndex, options.backoffBase, options.backoffCap, random);
    }

    // GETs `target` with retries; true when `parse` accepted a 2xx body, false on an accepted 404.
    // A call that ends in an error (not a stop) counts as failed.
    Result<bool> request(const std::string& target, bool notFoundIsAnswer, const BodyParser& parse,
                         std::stop_token stop) {
        auto result = attempt(target, notFoundIsAnswer, parse, stop);
        if (!result && result.error().kind != ErrorKind::Cancelled) {
            std::lock_guard lock(statsMutex);
            ++stats.failedCalls;
        }
        return result;
    }

    Result<bool> attempt(const std::string& target, bool notFoundIsAnswer, const BodyParser& parse,
                         std::stop_token stop) {
        const std::string request = describeRequest(target);
        const std::string url = options.baseUrl + target;
        const int maxAttempts = std::max(0, options.maxRetries) + 1;
        Lease connection(*this);
        Clock::time_point notBefore{};
        for (int attempt = 1;; ++attempt) {
            if (auto open = gate.waitUntilOpen(stop, notBefore); !open)
                return fail(ErrorKind::Cancelled, request + ": cancelled before attempt " + std::to_string(attempt));
            auto started = Clock::now();
            HttpExchange exchange = (*connection).get(url, stop);
            count(exchange);
            spdlog::debug(
                "{} -> HTTP {}, {} bytes, {} ms (attempt {}/{})", request, exchange.status, exchange.body.size(),
                std::chrono::duration_cast<milliseconds>(Clock::now() - started).count(), attempt, maxAttempts);
            if (exchange.cancelled)
                return fail(ErrorKind::Cancelled, request + ": cancelled during attempt " + std::to_string(attempt));

            Verdict verdict = judge(exchange, request, notFoundIsAnswer, parse);
            switch (verdict.action) {
            case Verdict::Action::Answered: return true;
            case Verdict::Action::NotFound: return false;
            case Verdict::Action::Stop: return std::move(verdict.error);
            case Verdict::Action::Retry: break;
            }
            if (attempt >= maxAttempts) {
                verdict.error.message += " (gave up after " + std::to_string(attempt) + " attempts)";
                return std::move(verdict.error);
            }
            milliseconds wait = retryWait(jitter(attempt - 1), verdict.serverWait, options.maxServerWait);
            spdlog::warn("{} (attempt {}/{}); retrying in {} ms", verdict.error.message, attempt, maxAttempts,
                         wait.count());
            {
                std::lock_guard lock(statsMutex);
                ++stats.retries;
            }
            notBefore = Clock::now() + wait;
        }
    }

    ClientOptions options;
    Secret apiKey;
    ConnectionSettings settings;
    RateGate gate;

    std::mutex poolMutex;
    std::vector<std::unique_ptr<CurlConnection>> idle; // connections no call is using

    std::mutex randomMutex;
    std::mt19937_64 random;

    mutable std::mutex statsMutex;
    ClientStatsSnapshot stats;
};

TelnyxClient::TelnyxClient(ClientOptions options, Secret apiKey)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(apiKey))) {}

TelnyxClient::~TelnyxClient() = default;

Result<ListPage> TelnyxClient::listPage(const model::RecordSchema& schema, const ListQuery& query,
                                        std::stop_token stop) {
    try {
        std::optional<ListPage> page;
        auto answered = impl_->request(
            listRequestTarget(schema, query), false,
            [&](std::string_view body) -> Result<void> {
                auto parsed = readListPage(schema, body, query.digest, query.knownDigest);
                if (!parsed) return std::move(parsed).error();
                page = std::move(*parsed);
                return {};
            },
            stop);
        if (!answered) return std::move(answered).error();
        return std::move(*page);
    } catch (const std::exception& e) {
        return fail(ErrorKind::Internal, std::string("listing ") + std::string(schema.name) + ": " + e.what());
    }
}

Result<std::optional<model::MirrorRecord>> TelnyxClient::getRecord(const model::RecordSchema& schema,
                                                                   std::string_view id, std::stop_token stop) {
    try {
        std::optional<model::MirrorRecord> record;
        auto answered = impl_->request(
            recordRequestTarget(schema, id), true,
            [&](std::string_view body) -> Result<void> {
                auto parsed = parseRecordBody(schema, body);
                if (!parsed) return std::move(parsed).error();
                record = std::move(*parsed);
                return {};
            },
            stop);
        if (!answered) return std::move(answered).error();
        return record; // nullopt when the API answered 404
    } catch (const std::exception& e) {
        return fail(ErrorKind::Internal, std::string("fetching ") + std::string(schema.recordType) + ": " + e.what());
    }
}

ClientStatsSnapshot TelnyxClient::stats() const {
    std::lock_guard lock(impl_->statsMutex);
    return impl_->stats;
}

SourceCounters TelnyxClient::counters() const {
    ClientStatsSnapshot s = stats();
    return SourceCounters{s.requests, s.retries, s.failedCalls};
}

} // namespace roomsd::telnyx
