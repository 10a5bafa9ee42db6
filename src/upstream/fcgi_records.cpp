#include "upstream/fcgi_records.h"

#include <algorithm>

namespace spamgate::fcgi {

namespace {

void append_u16(std::string& out, uint16_t value) {
  out += static_cast<char>(value >> 8);
  out += static_cast<char>(value & 0xff);
}

void append_length(std::string& out, size_t length) {
  if (length < 128) {
    out += static_cast<char>(length);
    return;
  }
  out += static_cast<char>(((length >> 24) & 0x7f) | 0x80);
  out += static_cast<char>((length >> 16) & 0xff);
  out += static_cast<char>((length >> 8) & 0xff);
  out += static_cast<char>(length & 0xff);
}

// append_name_value into preallocated room at `to` (lengths already checked).
char* put_name_value(char* to, std::string_view name, std::string_view value) {
  for (const size_t length : {name.size(), value.size()}) {
    if (length < 128) {
      *to++ = static_cast<char>(length);
    } else {
      *to++ = static_cast<char>(((length >> 24) & 0x7f) | 0x80);
      *to++ = static_cast<char>((length >> 16) & 0xff);
      *to++ = static_cast<char>((length >> 8) & 0xff);
      *to++ = static_cast<char>(length & 0xff);
    }
  }
  to = std::copy(name.begin(), name.end(), to);
  return std::copy(value.begin(), value.end(), to);
}

// Appends `stream` as records of `type`, each at most kMaxContent bytes,
// then the empty record that ends the stream.
void append_stream(std::string& out, uint8_t type, uint16_t request_id, std::string_view stream) {
  for (size_t at = 0; at < stream.size(); at += kMaxContent)
    append_record(out, type, request_id, stream.substr(at, kMaxContent));
  append_record(out, type, request_id, {});
}

const char* protocol_status_name(uint8_t status) {
  switch (status) {
    case kCantMpxConn: return "cannot multiplex connections";
    case kOverloaded: return "overloaded";
    case kUnknownRole: return "unknown role";
    default: return "unknown protocol status";
  }
}

}  // namespace

void append_record(std::string& out, uint8_t type, uint16_t request_id, std::string_view content) {
  const size_t padding = (8 - content.size() % 8) % 8;
  out += static_cast<char>(kVersion);
  out += static_cast<char>(type);
  append_u16(out, request_id);
  append_u16(out, static_cast<uint16_t>(content.size()));
  out += static_cast<char>(padding);
  out += '\0';  // reserved
  out.append(content);
  out.append(padding, '\0');
}

void append_begin_request(std::string& out, uint16_t request_id, bool keep_conn) {
  std::string body;
  append_u16(body, kRoleResponder);
  body += static_cast<char>(keep_conn ? kFlagKeepConn : 0);
  body.append(5, '\0');  // reserved
  append_record(out, kBeginRequest, request_id, body);
}

void set_keep_conn(std::string& request, bool keep_conn) {
  constexpr size_t kFlags = kHeaderSize + 2;  // BEGIN_REQUEST's body: role (2 bytes), then the flags
  if (request.size() > kFlags) request[kFlags] = static_cast<char>(keep_conn ? kFlagKeepConn : 0);
}

bool append_name_value(std::string& out, std::string_view name, std::string_view value) {
  constexpr size_t kMaxLength = 0x7fffffff;
  if (name.size() > kMaxLength || value.size() > kMaxLength) return false;
  append_length(out, name.size());
  append_length(out, value.size());
  out.append(name);
  out.append(value);
  return true;
}

Result<std::string> encode_request(uint16_t request_id, const ParamViews& params, std::string_view body,
                                   bool keep_conn) {
  constexpr size_t kMaxLength = 0x7fffffff;
  size_t pairs_size = 0;
  for (const auto& [name, value] : params) {
    if (name.size() > kMaxLength || value.size() > kMaxLength)
      return Error{"FastCGI param too long: " + std::string(name.substr(0, 64))};
    pairs_size += (name.size() < 128 ? 1 : 4) + (value.size() < 128 ? 1 : 4) + name.size() + value.size();
  }
  const auto records = [](size_t stream) { return stream / kMaxContent + 2; };  // with padding, generously
  std::string out;
  out.reserve(kHeaderSize * 2 + pairs_size + body.size() + 2 * kHeaderSize * (records(pairs_size) + records(body.size())));
  append_begin_request(out, request_id, keep_conn);
  if (pairs_size <= kMaxContent) {
    // The usual case: every pair in one PARAMS record, written in place.
    const size_t padding = (8 - pairs_size % 8) % 8;
    out += static_cast<char>(kVersion);
    out += static_cast<char>(kParams);
    append_u16(out, request_id);
    append_u16(out, static_cast<uint16_t>(pairs_size));
    out += static_cast<char>(padding);
    out += '\0';
    const size_t at = out.size();
    out.resize(at + pairs_size + padding, '\0');
    char* to = out.data() + at;
    for (const auto& [name, value] : params) to = put_name_value(to, name, value);
    append_record(out, kParams, request_id, {});
  } else {
    std::string pairs;
    pairs.reserve(pairs_size);
    for (const auto& [name, value] : params) append_name_value(pairs, name, value);
    append_stream(out, kParams, request_id, pairs);
  }
  append_stream(out, kStdin, request_id, body);
  return out;
}

Result<std::string> encode_request(uint16_t request_id, const Params& params, std::string_view body,
                                   bool keep_conn) {
  ParamViews views(params.begin(), params.end());
  return encode_request(request_id, views, body, keep_conn);
}

ResponseParser::ResponseParser(uint16_t request_id, size_t max_output)
    : request_id_(request_id), max_output_(max_output) {}

void ResponseParser::fail(std::string reason) {
  state_ = State::error;
  error_ = std::move(reason);
}

void ResponseParser::start_record() {
  if (header_[0] != kVersion) {
    fail("FastCGI record with version " + std::to_string(header_[0]));
    return;
  }
  type_ = header_[1];
  const uint16_t id = static_cast<uint16_t>(header_[2] << 8 | header_[3]);
  content_left_ = static_cast<size_t>(header_[4] << 8 | header_[5]);
  padding_left_ = header_[6];
  ours_ = id == request_id_ && id != 0;
  end_body_.clear();
  if (!ours_) return;  // management records (id 0) and other requests are skipped
  switch (type_) {
    case kStdout:
    case kStderr:
      break;
    case kEndRequest:
      if (content_left_ < 8) fail("FastCGI END_REQUEST with " + std::to_string(content_left_) + " content bytes");
      break;
    case kBeginRequest:
    case kAbortRequest:
    case kParams:
    case kStdin:
    case kData:
    case kGetValues:
      fail("FastCGI server sent request record type " + std::to_string(type_));
      break;
    default:
      break;  // a record type newer than FastCGI 1.0: skipped
  }
}

void ResponseParser::take_content(std::string_view chunk) {
  if (!ours_) return;
  if (type_ == kStdout || type_ == kStderr) {
    if (stdout_.size() + stderr_.size() + chunk.size() > max_output_) {
      fail("FastCGI response larger than " + std::to_string(max_output_) + " bytes");
      return;
    }
    (type_ == kStdout ? stdout_ : stderr_).append(chunk);
  } else if (type_ == kEndRequest && end_body_.size() < 8) {
    end_body_.append(chunk.substr(0, 8 - end_body_.size()));
  }
}

void ResponseParser::finish_record() {
  header_have_ = 0;
  if (!ours_ || type_ != kEndRequest) return;
  const auto* b = reinterpret_cast<const unsigned char*>(end_body_.data());
  app_status_ = static_cast<uint32_t>(b[0]) << 24 | static_cast<uint32_t>(b[1]) << 16 |
                static_cast<uint32_t>(b[2]) << 8 | b[3];
  const uint8_t protocol_status = b[4];
  if (protocol_status != kRequestComplete) {
    fail(std::string("FastCGI server refused the request: ") + protocol_status_name(protocol_status));
    return;
  }
  state_ = State::complete;
}

ResponseParser::State ResponseParser::feed(std::string_view bytes) {
  size_t at = 0;
  leftover_ = 0;
  while (state_ == State::in_progress) {
    const size_t available = bytes.size() - at;
    if (header_have_ < kHeaderSize) {
      if (available == 0) break;
      const size_t take = std::min(kHeaderSize - header_have_, available);
      std::copy_n(bytes.data() + at, take, header_ + header_have_);
      header_have_ += take;
      at += take;
      if (header_have_ == kHeaderSize) start_record();
    } else if (content_left_ > 0) {
      if (available == 0) break;
      const size_t take = std::min(content_left_, available);
      take_content(bytes.substr(at, take));
      content_left_ -= take;
      at += take;
    } else if (padding_left_ > 0) {
      if (available == 0) break;
      const size_t take = std::min(padding_left_, available);
      padding_left_ -= take;
      at += take;
    } else {
      finish_record();
    }
  }
  consumed_ += at;
  if (state_ == State::complete) leftover_ = bytes.size() - at;
  return state_;
}

}  // namespace spamgate::fcgi
