// libFuzzer target: the FastCGI response parser must never crash, hang or
// over-read, whatever PHP-FPM (or an impostor) sends, in any split.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "upstream/fcgi_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using spamgate::fcgi::ResponseParser;
  if (size == 0) return 0;
  // The first byte picks the request id and the split size, so the same
  // records are parsed whole and in pieces.
  const uint16_t request_id = static_cast<uint16_t>(data[0] & 3);
  const size_t piece = 1 + (data[0] >> 2);
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  ResponseParser whole(request_id, 1 << 16);
  whole.feed(input);
  ResponseParser pieces(request_id, 1 << 16);
  for (size_t at = 0; at < input.size(); at += piece) pieces.feed(input.substr(at, piece));

  // Splitting must not change the result.
  if (whole.state() != pieces.state() || whole.output() != pieces.output() || whole.errors() != pieces.errors())
    __builtin_trap();
  if (whole.consumed() > input.size()) __builtin_trap();
  return 0;
}
