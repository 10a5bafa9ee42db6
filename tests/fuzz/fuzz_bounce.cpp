// libFuzzer target: any bytes in the sending account's mailbox (a bounce is
// mail anyone can send) are parsed without a crash, a leak or a hang, by
// parse_bounce with the default limits and with tight ones, and the report
// keeps its promises: at most max_recipients recipients, each a lower-case
// address with "@", a status "D.D.D" or "", a one-line diagnostic of at
// most 500 bytes; a bounce names at least one recipient; one-line header
// fields; the report's JSON text parses as JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bounce/bounce_report.h"
#include "util/json_text.h"

namespace {

void require(bool condition) {
  if (!condition) __builtin_trap();
}

bool one_line(const std::string& text) { return text.find_first_of("\r\n") == std::string::npos; }

bool is_status(const std::string& status) {
  if (status.empty()) return true;
  int dots = 0, digits = 0;
  for (char c : status) {
    if (c == '.') ++dots, digits = 0;
    else if (c >= '0' && c <= '9' && ++digits <= 3) continue;
    else return false;
  }
  return dots == 2 && (status[0] == '2' || status[0] == '4' || status[0] == '5');
}

void check(const spamgate::BounceReport& report, const spamgate::BounceParseLimits& limits) {
  require(report.recipients.size() <= static_cast<size_t>(limits.max_recipients));
  for (const auto& recipient : report.recipients) {
    require(recipient.address.find('@') != std::string::npos);
    for (char c : recipient.address) require(!(c >= 'A' && c <= 'Z'));
    require(is_status(recipient.status));
    require(recipient.diagnostic.size() <= 500 && one_line(recipient.diagnostic));
  }
  if (report.kind == spamgate::MessageKind::bounce) require(!report.recipients.empty());
  for (const std::string* field : {&report.original_message_id, &report.original_from, &report.original_subject,
                                   &report.reporting_mta, &report.from, &report.subject})
    require(one_line(*field));
  require(!nlohmann::json::parse(spamgate::json_text(nlohmann::ordered_json(report)), nullptr, false).is_discarded());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const spamgate::BounceParseLimits defaults;
  check(spamgate::parse_bounce(input, defaults), defaults);
  spamgate::BounceParseLimits tight;
  tight.max_message_bytes = 4096;
  tight.max_mime_depth = 2;
  tight.max_parts = 6;
  tight.max_recipients = 2;
  check(spamgate::parse_bounce(input, tight), tight);
  return 0;
}
