// FastCGI record encoding and the incremental response parser.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "upstream/fcgi_connection.h"
#include "upstream/fcgi_records.h"

using namespace spamgate;
using namespace spamgate::fcgi;

namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

struct Record {
  int type;
  int request_id;
  std::string content;
  std::string padding;
};

// Splits an encoded stream into records, checking each header's framing.
std::vector<Record> split_records(const std::string& data) {
  std::vector<Record> records;
  size_t at = 0;
  while (at < data.size()) {
    REQUIRE(data.size() - at >= kHeaderSize);
    const auto* h = reinterpret_cast<const unsigned char*>(data.data() + at);
    REQUIRE(h[0] == kVersion);
    const size_t length = h[4] << 8 | h[5];
    const size_t padding = h[6];
    REQUIRE(data.size() - at >= kHeaderSize + length + padding);
    records.push_back({h[1], h[2] << 8 | h[3], data.substr(at + kHeaderSize, length),
                       data.substr(at + kHeaderSize + length, padding)});
    at += kHeaderSize + length + padding;
  }
  return records;
}

std::string end_request(uint16_t id, uint32_t app_status, uint8_t protocol_status) {
  std::string body = bytes({static_cast<int>(app_status >> 24), static_cast<int>((app_status >> 16) & 0xff),
                            static_cast<int>((app_status >> 8) & 0xff), static_cast<int>(app_status & 0xff),
                            protocol_status, 0, 0, 0});
  std::string out;
  append_record(out, kEndRequest, id, body);
  return out;
}

// A typical PHP-FPM answer: headers and body split over two STDOUT records,
// a warning on STDERR, the empty STDOUT that ends the stream, END_REQUEST.
std::string sample_response(uint16_t id) {
  std::string out;
  append_record(out, kStdout, id, "Status: 302 Found\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n");
  append_record(out, kStderr, id, "PHP Warning: x");
  append_record(out, kStdout, id, "Location: /done\r\n\r\nbody");
  append_record(out, kStdout, id, "");
  out += end_request(id, 0, kRequestComplete);
  return out;
}

const std::string kSampleOutput = "Status: 302 Found\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nLocation: /done\r\n\r\nbody";

}  // namespace

TEST_CASE("BEGIN_REQUEST for the responder role has the exact spec bytes") {
  std::string out;
  append_begin_request(out, 1, true);
  CHECK(out == bytes({1, 1, 0, 1, 0, 8, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0}));
  out.clear();
  append_begin_request(out, 0x1234, false);
  CHECK(out == bytes({1, 1, 0x12, 0x34, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}));
}

TEST_CASE("records are padded with zeros to a multiple of 8 bytes") {
  std::string out;
  append_record(out, kStdin, 1, "abc");
  CHECK(out == bytes({1, 5, 0, 1, 0, 3, 5, 0, 'a', 'b', 'c', 0, 0, 0, 0, 0}));
  out.clear();
  append_record(out, kStdin, 1, "12345678");
  CHECK(out.size() == 16);
  CHECK(out[6] == 0);
  out.clear();
  append_record(out, kParams, 1, "");
  CHECK(out == bytes({1, 4, 0, 1, 0, 0, 0, 0}));
}

TEST_CASE("name-value lengths use one byte below 128 and four bytes with the high bit from 128") {
  std::string out;
  REQUIRE(append_name_value(out, "A", "bc"));
  CHECK(out == bytes({1, 2, 'A', 'b', 'c'}));

  out.clear();
  REQUIRE(append_name_value(out, std::string(127, 'n'), std::string(128, 'v')));
  CHECK(out.substr(0, 5) == bytes({127, 0x80, 0, 0, 128}));
  CHECK(out.size() == 5 + 127 + 128);

  out.clear();
  REQUIRE(append_name_value(out, std::string(300, 'n'), std::string(70000, 'v')));
  CHECK(out.substr(0, 8) == bytes({0x80, 0, 0x01, 0x2c, 0x80, 0x01, 0x11, 0x70}));
  CHECK(out.size() == 8 + 300 + 70000);
}

TEST_CASE("a request holds BEGIN, the params, an empty PARAMS, stdin in chunks of at most 65535, an empty STDIN") {
  std::string body(200 * 1024, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7 % 251);
  Params params = {{"REQUEST_METHOD", "POST"}, {"HTTP_X_LONG", std::string(70000, 'h')}, {"EMPTY", ""}};
  auto request = encode_request(1, params, body, true);
  REQUIRE(request.ok());
  auto records = split_records(*request);

  REQUIRE(records.size() >= 4);
  CHECK(records[0].type == kBeginRequest);
  CHECK(records[0].content == bytes({0, 1, 1, 0, 0, 0, 0, 0}));

  std::string params_stream, stdin_stream;
  size_t i = 1;
  for (; records[i].type == kParams && !records[i].content.empty(); ++i) params_stream += records[i].content;
  REQUIRE(records[i].type == kParams);  // the empty PARAMS that ends the stream
  ++i;
  std::vector<size_t> stdin_sizes;
  for (; records[i].type == kStdin && !records[i].content.empty(); ++i) {
    stdin_stream += records[i].content;
    stdin_sizes.push_back(records[i].content.size());
  }
  CHECK(records[i].type == kStdin);  // the empty STDIN
  CHECK(i + 1 == records.size());

  std::string expected_params;
  for (const auto& [name, value] : params) append_name_value(expected_params, name, value);
  CHECK(params_stream == expected_params);
  CHECK(stdin_stream == body);
  CHECK(stdin_sizes == std::vector<size_t>{65535, 65535, 65535, 8195});
  for (const auto& record : records) {
    CHECK(record.request_id == 1);
    CHECK((record.content.size() + record.padding.size()) % 8 == 0);
    CHECK(record.padding == std::string(record.padding.size(), '\0'));
  }
}

TEST_CASE("params that fit one record are one PARAMS record, padded, then the empty one") {
  const std::string long_value(200, 'v');  // views must outlive the request: no temporaries here
  const ParamViews params = {{"REQUEST_METHOD", "POST"}, {"HTTP_X_LONG", std::string_view(kSampleOutput)},
                             {std::string_view("N").substr(0, 1), long_value}, {"EMPTY", ""}};
  auto request = encode_request(3, params, "body", false);
  REQUIRE(request.ok());
  auto records = split_records(*request);
  REQUIRE(records.size() == 5);
  CHECK(records[0].content == bytes({0, 1, 0, 0, 0, 0, 0, 0}));  // no FCGI_KEEP_CONN
  std::string expected;
  for (const auto& [name, value] : params) append_name_value(expected, name, value);
  CHECK(records[1].type == kParams);
  CHECK(records[1].content == expected);
  CHECK(records[1].padding == std::string(records[1].padding.size(), '\0'));
  CHECK((records[1].content.size() + records[1].padding.size()) % 8 == 0);
  CHECK((records[2].type == kParams && records[2].content.empty()));
  CHECK((records[3].type == kStdin && records[3].content == "body"));
  CHECK((records[4].type == kStdin && records[4].content.empty()));
  for (const auto& record : records) CHECK(record.request_id == 3);
}

TEST_CASE("set_keep_conn sets and clears FCGI_KEEP_CONN in BEGIN_REQUEST only") {
  auto request = encode_request(1, Params{{"A", "b"}}, "body", false);
  REQUIRE(request.ok());
  const std::string original = *request;
  set_keep_conn(*request, true);
  CHECK(split_records(*request)[0].content == bytes({0, 1, 1, 0, 0, 0, 0, 0}));
  CHECK(request->substr(16) == original.substr(16));
  set_keep_conn(*request, false);
  CHECK(*request == original);
}

TEST_CASE("the parser collects stdout and stderr until END_REQUEST") {
  ResponseParser parser(1);
  CHECK(parser.feed(sample_response(1)) == ResponseParser::State::complete);
  CHECK(parser.output() == kSampleOutput);
  CHECK(parser.errors() == "PHP Warning: x");
  CHECK(parser.app_status() == 0);
  CHECK(parser.leftover() == 0);
}

TEST_CASE("the parser gives the same answer when fed one byte at a time") {
  const std::string response = sample_response(7);
  ResponseParser parser(7);
  for (size_t i = 0; i < response.size(); ++i) {
    REQUIRE(parser.state() == ResponseParser::State::in_progress);
    parser.feed(std::string_view(response).substr(i, 1));
  }
  CHECK(parser.state() == ResponseParser::State::complete);
  CHECK(parser.output() == kSampleOutput);
  CHECK(parser.errors() == "PHP Warning: x");
  CHECK(parser.consumed() == response.size());
}

TEST_CASE("the parser skips other request ids, management records, unknown types and any padding") {
  std::string response;
  append_record(response, kStdout, 2, "not ours");
  append_record(response, kGetValuesResult, 0, bytes({14, 1, 'F', 'C', 'G', 'I', '_', 'M', 'P', 'X', 'S', '_', 'C', 'O', 'N', 'N', 'S', '0'}));
  append_record(response, 42, 1, "future record type");
  // A STDOUT record with 255 bytes of non-zero padding.
  std::string padded = bytes({1, kStdout, 0, 1, 0, 2, 255, 0}) + "ok" + std::string(255, 'p');
  response += padded;
  response += end_request(2, 0, kRequestComplete);  // another request's end
  response += end_request(1, 3, kRequestComplete);
  ResponseParser parser(1);
  CHECK(parser.feed(response) == ResponseParser::State::complete);
  CHECK(parser.output() == "ok");
  CHECK(parser.app_status() == 3);
}

TEST_CASE("bytes after END_REQUEST are left unconsumed and counted") {
  ResponseParser parser(1);
  const std::string response = sample_response(1) + "extra";
  CHECK(parser.feed(response) == ResponseParser::State::complete);
  CHECK(parser.leftover() == 5);
  CHECK(parser.consumed() == response.size() - 5);
  CHECK(parser.feed("more") == ResponseParser::State::complete);
  CHECK(parser.output() == kSampleOutput);
}

TEST_CASE("the parser reports protocol errors") {
  SUBCASE("an HTTP answer instead of FastCGI") {
    ResponseParser parser(1);
    CHECK(parser.feed("HTTP/1.1 200 OK\r\n\r\n") == ResponseParser::State::error);
    CHECK(parser.error().find("version") != std::string::npos);
  }
  SUBCASE("END_REQUEST refusing the request") {
    ResponseParser parser(1);
    CHECK(parser.feed(end_request(1, 0, kOverloaded)) == ResponseParser::State::error);
    CHECK(parser.error().find("overloaded") != std::string::npos);
  }
  SUBCASE("END_REQUEST shorter than 8 bytes") {
    std::string response;
    append_record(response, kEndRequest, 1, "1234");
    ResponseParser parser(1);
    CHECK(parser.feed(response) == ResponseParser::State::error);
  }
  SUBCASE("a request-only record type from the server") {
    std::string response;
    append_record(response, kParams, 1, "");
    ResponseParser parser(1);
    CHECK(parser.feed(response) == ResponseParser::State::error);
  }
  SUBCASE("more output than the limit") {
    std::string response;
    append_record(response, kStdout, 1, std::string(100, 'x'));
    ResponseParser parser(1, 64);
    CHECK(parser.feed(response) == ResponseParser::State::error);
    CHECK(parser.output().size() <= 64);
  }
  SUBCASE("an error is final") {
    ResponseParser parser(1);
    parser.feed("\x02garbage");
    CHECK(parser.feed(sample_response(1)) == ResponseParser::State::error);
    CHECK(parser.output().empty());
  }
}

TEST_CASE("random bytes never complete a response without END_REQUEST and never over-consume") {
  std::mt19937 random(12345);
  for (int round = 0; round < 2000; ++round) {
    std::string input(random() % 300, '\0');
    for (auto& c : input) c = static_cast<char>(random() % 4 == 0 ? 1 : random());
    ResponseParser parser(1, 1024);
    size_t at = 0;
    while (at < input.size()) {
      const size_t piece = std::min<size_t>(1 + random() % 17, input.size() - at);
      parser.feed(std::string_view(input).substr(at, piece));
      at += piece;
    }
    CHECK(parser.consumed() <= input.size());
    if (parser.state() == ResponseParser::State::complete) CHECK(input.find('\x03') != std::string::npos);
  }
}

TEST_CASE("upstream addresses: host:port, [v6]:port, unix:/path") {
  CHECK(parse_upstream_address("127.0.0.1:9000").ok());
  CHECK(parse_upstream_address("[::1]:9000").ok());
  CHECK(parse_upstream_address("localhost:9000").ok());
  auto unix_address = parse_upstream_address("unix:/run/php/php8.2-fpm.sock");
  REQUIRE(unix_address.ok());
  CHECK(unix_address->storage.ss_family == AF_UNIX);
  CHECK_FALSE(parse_upstream_address("127.0.0.1").ok());
  CHECK_FALSE(parse_upstream_address(":9000").ok());
  CHECK_FALSE(parse_upstream_address("127.0.0.1:").ok());
  CHECK_FALSE(parse_upstream_address("unix:").ok());
  CHECK_FALSE(parse_upstream_address("unix:/" + std::string(200, 'a')).ok());
  CHECK_FALSE(parse_upstream_address("127.0.0.1:notaport").ok());
}
