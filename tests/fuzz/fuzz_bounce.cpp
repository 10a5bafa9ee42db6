// libFuzzer target: any bytes in the sending account's mailbox (a bounce is
// mail anyone can send) are parsed without a crash, a leak or a hang, and
// the report stays within its limits: at most max_recipients recipients,
// each a one-line diagnostic of at most 500 bytes, and its JSON parses.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "bounce/bounce_report.h"

namespace {

void require(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  spamgate::BounceParseLimits limits;
  const spamgate::BounceReport report = spamgate::parse_bounce(input, limits);
  require(report.recipients.size() <= static_cast<size_t>(limits.max_recipients));
  for (const auto& recipient : report.recipients) {
    require(recipient.diagnostic.size() <= 500);
    require(recipient.diagnostic.find('\n') == std::string::npos);
  }
  if (report.kind == spamgate::MessageKind::bounce) require(!report.recipients.empty());
  require(!nlohmann::json::parse(spamgate::bounce_report_json(report), nullptr, false).is_discarded());
  return 0;
}
