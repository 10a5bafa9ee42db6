#include "bounce/report/delivery_status.h"

#include <utility>
#include <vector>

#include "bounce/report/text.h"

namespace spamgate::bounce_report {

namespace text = bounce_text;

namespace {

void recipients_from_blocks(const std::vector<text::Fields>& blocks, Message& message, BounceReport& report) {
  for (const text::Fields& block : blocks) {
    if (report.reporting_mta.empty()) report.reporting_mta = mta_name(text::field(block, "reporting-mta"));
    std::string address = typed_address(text::field(block, "original-recipient"));
    if (address.empty()) address = typed_address(text::field(block, "final-recipient"));
    if (address.empty()) continue;
    const std::string action = text::lower(text::trim(text::field(block, "action")));
    FailedRecipient r;
    r.address = address;
    r.action = action.substr(0, action.find_first_of(" \t("));
    if (r.action == "delivered" || r.action == "relayed" || r.action == "expanded") continue;
    r.diagnostic = without_type(text::field(block, "diagnostic-code"));
    r.status = text::find_status(text::field(block, "status"));
    if (r.status.empty()) r.status = text::find_status(r.diagnostic);
    r.status = text::refine_status(r.status, r.diagnostic);
    if (r.status.empty() || r.diagnostic.empty() || r.status.compare(1, 4, ".0.0") == 0) {
      // Not in the block, or only its class: what the text says about it.
      const Said said = message.failure.said_about(address);
      if (r.status.empty()) r.status = said.status;
      else if (!said.own_status.empty() && said.own_status[0] == r.status[0]) r.status = said.own_status;
      if (r.diagnostic.empty()) r.diagnostic = said.diagnostic;
    }
    add_recipient(report, std::move(r), message.limits);
  }
}

}  // namespace

void read_delivery_status(Message& message, BounceReport& report) {
  std::vector<text::Fields> blocks;
  for (const std::string& part : message.content.delivery_status)
    for (text::Fields& block : text::field_blocks(part)) blocks.push_back(std::move(block));
  recipients_from_blocks(blocks, message, report);
  if (report.recipients.empty() && message.machine)
    recipients_from_blocks(text::field_blocks(message.failure.text()), message, report);
}

std::string typed_address(const std::string& value) {
  const size_t semicolon = value.find(';');
  std::string address =
      text::lower(text::without_angles(semicolon == std::string::npos ? value : value.substr(semicolon + 1)));
  return address.find('@') != std::string::npos && address.find(' ') == std::string::npos ? address : "";
}

std::string mta_name(const std::string& value) {
  const size_t semicolon = value.find(';');
  std::string name = text::trim(semicolon == std::string::npos ? value : value.substr(semicolon + 1));
  return text::one_line(name.substr(0, name.find_first_of(" \t(")), 255);
}

std::string without_type(const std::string& diagnostic) {
  const size_t semicolon = diagnostic.find(';');
  if (semicolon != std::string::npos && semicolon < 40 &&
      diagnostic.find_first_of(" \t") > semicolon)
    return text::one_line(diagnostic.substr(semicolon + 1));
  return text::one_line(diagnostic);
}

}  // namespace spamgate::bounce_report
