// POST /sql bodies, content negotiation, and the JSON and CSV encodings.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include "api/sql_encoding.hpp"
#include "api/sql_request.hpp"

using namespace roomsd;
using namespace roomsd::api;
namespace json = boost::json;

namespace {

SqlRequest parsedOk(std::string_view contentType, std::string body) {
    auto parsed = parseSqlRequest(contentType, std::move(body));
    if (!parsed) FAIL("refused: " << parsed.error().message);
    return std::move(parsed).value();
}

std::string refused(std::string body) {
    auto parsed = parseSqlRequest("application/json", std::move(body));
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ErrorKind::Usage);
    return parsed.error().message;
}

} // namespace

TEST_CASE("a body that is not JSON is the SQL itself") {
    CHECK(parsedOk("text/plain", "SELECT 1").sql == "SELECT 1");
    CHECK(parsedOk("", "SELECT {\"sql\"}").sql == "SELECT {\"sql\"}");
    CHECK(parsedOk("application/sql", "SELECT 2").params.empty());
}

TEST_CASE("a JSON body carries sql and positional params") {
    auto request =
        parsedOk("Application/JSON; charset=utf-8", R"({"sql":"SELECT ?1","params":[1,-2,2.5,"x",null,true,false]})");
    CHECK(request.sql == "SELECT ?1");
    REQUIRE(request.params.size() == 7);
    CHECK(std::get<std::int64_t>(request.params[0]) == 1);
    CHECK(std::get<std::int64_t>(request.params[1]) == -2);
    CHECK(std::get<double>(request.params[2]) == 2.5);
    CHECK(std::get<std::string>(request.params[3]) == "x");
    CHECK(std::holds_alternative<std::monostate>(request.params[4]));
    CHECK(std::get<std::int64_t>(request.params[5]) == 1);
    CHECK(std::get<std::int64_t>(request.params[6]) == 0);
    CHECK(parsedOk("application/json", R"({"sql":"SELECT 1","params":null})").params.empty());
}

TEST_CASE("a malformed JSON body is refused with what to fix") {
    CHECK(refused("{").find("not valid JSON") != std::string::npos);
    CHECK(refused("[]").find("must be an object") != std::string::npos);
    CHECK(refused(R"({"params":[]})").find("no \"sql\"") != std::string::npos);
    CHECK(refused(R"({"sql":1})").find("must be a string") != std::string::npos);
    CHECK(refused(R"({"sql":"SELECT 1","params":{"a":1}})").find("array") != std::string::npos);
    CHECK(refused(R"({"sql":"SELECT ?","params":[[1]]})").find("params[0]") != std::string::npos);
    CHECK(refused(R"({"sql":"SELECT 1","sq1":"typo"})").find("unknown key") != std::string::npos);
}

TEST_CASE("CSV only when the client prefers text/csv") {
    CHECK(negotiateSqlFormat("") == SqlFormat::Json);
    CHECK(negotiateSqlFormat("*/*") == SqlFormat::Json);
    CHECK(negotiateSqlFormat("application/json") == SqlFormat::Json);
    CHECK(negotiateSqlFormat("text/csv") == SqlFormat::Csv);
    CHECK(negotiateSqlFormat("Text/CSV; charset=utf-8") == SqlFormat::Csv);
    CHECK(negotiateSqlFormat("text/csv, */*;q=0.1") == SqlFormat::Csv);
    CHECK(negotiateSqlFormat("text/csv, */*") == SqlFormat::Csv);
    CHECK(negotiateSqlFormat("text/csv;q=0.5, application/json") == SqlFormat::Json);
    CHECK(negotiateSqlFormat("text/csv, application/json") == SqlFormat::Json);
    CHECK(negotiateSqlFormat("text/csv;q=0") == SqlFormat::Json);
}

TEST_CASE("JSON lines when the client prefers application/x-ndjson or application/jsonl") {
    CHECK(negotiateSqlFormat("application/x-ndjson") == SqlFormat::JsonLines);
    CHECK(negotiateSqlFormat("application/jsonl") == SqlFormat::JsonLines);
    CHECK(negotiateSqlFormat("application/x-ndjson, */*;q=0.1") == SqlFormat::JsonLines);
    CHECK(negotiateSqlFormat("application/x-ndjson;q=0.5, application/json") == SqlFormat::Json);
    CHECK(negotiateSqlFormat("application/x-ndjson, text/csv") == SqlFormat::Csv);
    CHECK(negotiateSqlFormat("application/x-ndjson, text/csv;q=0.9") == SqlFormat::JsonLines);
}

TEST_CASE("JSON lines: one object a row, repeated names once, pieces taken as rows come") {
    JsonLinesAnswer answer;
    std::vector<std::string> names{"id", "n", "id", "note"};
    answer.columns(names);
    std::vector<store::SqlValue> row{std::string("r\"1"), std::int64_t{3}, std::string("dropped"), std::monostate{}};
    std::size_t first = answer.row(row);
    std::string piece = answer.takeOutput();
    CHECK(piece == "{\"id\":\"r\\\"1\",\"n\":3,\"note\":null}\n");
    CHECK(first == piece.size());
    std::vector<store::SqlValue> second{std::string("r2"), 0.5, std::monostate{}, std::string("x")};
    std::size_t total = answer.row(second);
    CHECK(answer.pending() == total - piece.size()); // the size counts what was taken too
    CHECK(json::parse(answer.takeOutput()) == json::parse(R"({"id":"r2","n":0.5,"note":"x"})"));
    CHECK(answer.takeOutput().empty());
}

TEST_CASE("JSON answers keep SQLite's types") {
    JsonAnswer answer;
    std::vector<std::string> names{"i", "r", "t", "b", "n"};
    answer.columns(names);
    std::vector<store::SqlValue> row{std::int64_t{-7}, 2.0, std::string("a\"b\\\n\x01"),
                                     store::SqlBlob{std::string("\x00\xff", 2)}, std::monostate{}};
    std::size_t size = answer.row(row);
    std::string text = answer.finish();
    CHECK(size == text.size());
    json::value doc = json::parse(text);
    CHECK(doc.at("columns") == json::parse(R"(["i","r","t","b","n"])"));
    const json::array& first = doc.at("rows").as_array().at(0).as_array();
    CHECK(first.at(0).is_int64());
    CHECK(first.at(0).as_int64() == -7);
    CHECK(first.at(1).is_double());
    CHECK(first.at(1).as_double() == 2.0);
    CHECK(first.at(2).as_string() == "a\"b\\\n\x01");
    CHECK(first.at(3).as_string() == "AP8=");
    CHECK(first.at(4).is_null());
}

TEST_CASE("an answer without rows is still a whole document") {
    JsonAnswer json;
    std::vector<std::string> names{"a"};
    json.columns(names);
    CHECK(json.finish() == R"({"columns":["a"],"rows":[]})");
    CsvAnswer csv;
    csv.columns(names);
    CHECK(csv.finish() == "a\r\n");
}

TEST_CASE("CSV answers follow RFC 4180") {
    CsvAnswer answer;
    std::vector<std::string> names{"plain", "comma,name", "q"};
    answer.columns(names);
    std::vector<store::SqlValue> row{std::string("x"), std::string("a,b"), std::string("say \"hi\"\r\nbye")};
    answer.row(row);
    std::vector<store::SqlValue> second{std::monostate{}, std::int64_t{3}, 0.5};
    answer.row(second);
    CHECK(answer.finish() == "plain,\"comma,name\",q\r\nx,\"a,b\",\"say \"\"hi\"\"\r\nbye\"\r\n,3,0.5\r\n");
}

TEST_CASE("text that is not UTF-8 is repaired, never passed through") {
    CHECK(validUtf8("ok \xC3\xA9") == "ok \xC3\xA9");
    CHECK(validUtf8("\xFF") == "\xEF\xBF\xBD");
    CHECK(validUtf8("\xC3") == "\xEF\xBF\xBD");                                 // cut short
    CHECK(validUtf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                 // overlong
    CHECK(validUtf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // surrogate
    std::string out;
    appendJsonString(out, "\xFE\xE2\x82\xAC");
    CHECK(out == "\"\xEF\xBF\xBD\xE2\x82\xAC\"");
}

TEST_CASE("base64 and reals are encoded exactly") {
    CHECK(base64("") == "");
    CHECK(base64("f") == "Zg==");
    CHECK(base64("fo") == "Zm8=");
    CHECK(base64("foo") == "Zm9v");
    CHECK(base64("foobar") == "Zm9vYmFy");
    CHECK(formatReal(2.5) == "2.5");
    CHECK(formatReal(3) == "3.0");
    CHECK(formatReal(-0.1) == "-0.1");
    CHECK(formatReal(1e300) == "1e+300");
    CHECK(json::parse(formatReal(0.1 + 0.2)).as_double() == 0.1 + 0.2);
}
