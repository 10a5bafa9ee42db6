// FastCGI 1.0 records, without sockets: encodes a RESPONDER request and
// parses a response incrementally. Pure functions of their input, so they
// are unit-tested and fuzzed; the parser must never crash or over-read on
// any byte sequence, it reports a protocol error instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.h"

namespace spamgate::fcgi {

constexpr uint8_t kVersion = 1;
constexpr size_t kHeaderSize = 8;
constexpr size_t kMaxContent = 65535;

enum RecordType : uint8_t {
  kBeginRequest = 1,
  kAbortRequest = 2,
  kEndRequest = 3,
  kParams = 4,
  kStdin = 5,
  kStdout = 6,
  kStderr = 7,
  kData = 8,
  kGetValues = 9,
  kGetValuesResult = 10,
  kUnknownType = 11,
};

constexpr uint16_t kRoleResponder = 1;
constexpr uint8_t kFlagKeepConn = 1;

// FCGI_END_REQUEST protocolStatus values.
enum ProtocolStatus : uint8_t {
  kRequestComplete = 0,
  kCantMpxConn = 1,
  kOverloaded = 2,
  kUnknownRole = 3,
};

// FastCGI params in the order they are sent; names may repeat.
using Params = std::vector<std::pair<std::string, std::string>>;
// The same as views into strings that outlive the call they are passed to
// (the gateway forwards the web server's params without copying them).
using ParamViews = std::vector<std::pair<std::string_view, std::string_view>>;

// Appends one record: 8-byte header, `content` (at most kMaxContent bytes;
// the caller splits longer streams) and zero padding to a multiple of 8.
void append_record(std::string& out, uint8_t type, uint16_t request_id, std::string_view content);

// Appends an FCGI_BEGIN_REQUEST record for the RESPONDER role.
void append_begin_request(std::string& out, uint16_t request_id, bool keep_conn);

// Appends one name-value pair in FastCGI's encoding (lengths below 128 in
// one byte, others in four with the high bit set). Returns false, appending
// nothing, when the name or value is longer than 2^31-1 bytes.
bool append_name_value(std::string& out, std::string_view name, std::string_view value);

// Sets or clears FCGI_KEEP_CONN in a request encode_request() built.
void set_keep_conn(std::string& request, bool keep_conn);

// The whole request as bytes: BEGIN_REQUEST, the params in PARAMS records,
// an empty PARAMS record, `body` in STDIN records of at most kMaxContent
// bytes, an empty STDIN record. Fails only when a param cannot be encoded.
Result<std::string> encode_request(uint16_t request_id, const ParamViews& params, std::string_view body,
                                   bool keep_conn);
Result<std::string> encode_request(uint16_t request_id, const Params& params, std::string_view body,
                                   bool keep_conn);

// Parses the records PHP-FPM sends back for one request, fed in pieces of
// any size. STDOUT and STDERR content is collected; records of other request
// ids and unknown record types are skipped; FCGI_END_REQUEST completes the
// response. A bad version, a request-only record type for our id, a short
// END_REQUEST, a refusing protocolStatus, or more output than `max_output`
// bytes is an error. After complete or error, feed() consumes nothing more.
class ResponseParser {
 public:
  enum class State { in_progress, complete, error };

  explicit ResponseParser(uint16_t request_id, size_t max_output = 64u << 20);

  // Consumes bytes up to and including the END_REQUEST record and returns
  // the new state. Bytes after END_REQUEST are not consumed: leftover()
  // counts them (a clean kept-alive connection has none).
  State feed(std::string_view bytes);

  State state() const { return state_; }
  // Everything PHP wrote to FCGI_STDOUT: the CGI headers and body, unchanged.
  const std::string& output() const { return stdout_; }
  std::string& output() { return stdout_; }
  // Everything PHP wrote to FCGI_STDERR (warnings, error_log()).
  const std::string& errors() const { return stderr_; }
  // The reason when state() is error.
  const std::string& error() const { return error_; }
  // appStatus of END_REQUEST (the script's exit status) once complete.
  uint32_t app_status() const { return app_status_; }
  // Bytes fed so far, including skipped records.
  size_t consumed() const { return consumed_; }
  // Bytes given to the last feed() after END_REQUEST.
  size_t leftover() const { return leftover_; }

 private:
  void fail(std::string reason);
  void start_record();
  void take_content(std::string_view chunk);
  void finish_record();

  uint16_t request_id_;
  size_t max_output_;
  State state_ = State::in_progress;
  unsigned char header_[kHeaderSize] = {};
  size_t header_have_ = 0;
  uint8_t type_ = 0;
  bool ours_ = false;          // the current record belongs to our request
  size_t content_left_ = 0;
  size_t padding_left_ = 0;
  std::string end_body_;       // content of END_REQUEST, collected across feeds
  std::string stdout_;
  std::string stderr_;
  std::string error_;
  uint32_t app_status_ = 0;
  size_t consumed_ = 0;
  size_t leftover_ = 0;
};

}  // namespace spamgate::fcgi
