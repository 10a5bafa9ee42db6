// FieldCollector: the one place where decoded form fields are checked
// against LimitsConfig and the text rules before being kept. Shared by the
// urlencoded and multipart decoders so both refuse exactly the same input.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "form/form_decoder.h"

namespace spamgate {

class FieldCollector {
 public:
  // `limits` must outlive the collector. `expected_fields` only sizes the
  // vector up front (it is capped at max_fields + 1).
  FieldCollector(const LimitsConfig& limits, size_t expected_fields);

  // Counts a field that is not kept (a multipart file part) toward
  // max_fields. Returns false, with error() set, when over the limit.
  bool count_only();
  // Checks and keeps one decoded text field, in order: count, name size,
  // NUL in name, name UTF-8, value size, value UTF-8. Returns false, with
  // error() set, on the first rule broken; nothing is kept then.
  bool add(std::string name, std::string value);
  // Sets the error (for the decoders' own syntax errors). Always false.
  bool fail(int http_status, std::string reason);

  const FormError& error() const { return result_.error; }
  // The fields kept, or the error. The collector is spent afterwards.
  FormResult finish() { return std::move(result_); }

 private:
  const LimitsConfig& limits_;
  FormResult result_;
  int counted_ = 0;
};

// `text` (a field name, a media type) made safe for a one-line reason:
// printable ASCII kept, other bytes and '\' as \xNN, cut to 64 bytes with
// "..." appended; "" shown as "(empty)".
std::string escape_for_reason(std::string_view text);

}  // namespace spamgate
