// parse_bounce: the input bounded, parsed by GMime, then read stage by
// stage (bounce/report/read.cpp says how); its JSON.
#include "bounce/bounce_report.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "bounce/report/mime.h"
#include "bounce/report/read.h"

namespace spamgate {
namespace {

// GMime builds every part and header it finds before we read any, so the
// input is cut where more would only cost memory: after the header block's
// 2,000th line, and before the boundary line ("--...") past
// max(16 × max_parts, 1,024) (a 2 MB message of empty parts otherwise costs
// half a gigabyte). Nothing the limits let us read is lost.
std::string_view bounded(std::string_view message, const BounceParseLimits& limits) {
  const size_t max_boundaries = std::max<size_t>(16 * static_cast<size_t>(std::max(limits.max_parts, 0)), 1024);
  size_t header_lines = 0, boundaries = 0;
  bool in_headers = true;
  for (size_t pos = 0; pos < message.size();) {
    const size_t end = message.find('\n', pos);
    const std::string_view line =
        message.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (in_headers && (line.empty() || line == "\r")) in_headers = false;
    if (in_headers && ++header_lines > 2000) return message.substr(0, pos);
    if (!in_headers && line.size() >= 2 && line[0] == '-' && line[1] == '-' && ++boundaries > max_boundaries)
      return message.substr(0, pos);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return message;
}

}  // namespace

const char* kind_name(MessageKind kind) {
  switch (kind) {
    case MessageKind::bounce: return "bounce";
    case MessageKind::complaint: return "complaint";
    case MessageKind::auto_reply: return "auto-reply";
    case MessageKind::not_a_bounce: return "not-a-bounce";
  }
  return "not-a-bounce";
}

BounceReport parse_bounce(std::string_view message, const BounceParseLimits& limits) {
  try {
    bounce_mime::init();
    message = bounded(message.substr(0, limits.max_message_bytes), limits);
    bounce_mime::GPtr<GMimeMessage> parsed = bounce_mime::parse(message);
    if (!parsed) return {};
    int parts = 0;
    return bounce_report::read_report(parsed.get(), message, 0, limits, parts);
  } catch (...) {
    return {};  // out of memory, or a regex over its complexity limit: nothing we can read
  }
}

void to_json(nlohmann::ordered_json& out, const BounceReport& report) {
  out = nlohmann::ordered_json::object();
  out["kind"] = kind_name(report.kind);
  out["recipients"] = nlohmann::json::array();
  for (const FailedRecipient& r : report.recipients) out["recipients"].push_back(r.address);
  const FailedRecipient first = report.recipients.empty() ? FailedRecipient{} : report.recipients.front();
  out["status"] = first.status;
  out["action"] = first.action;
  out["diagnostic"] = first.diagnostic;
  out["original_message_id"] = report.original_message_id;
  out["original_from"] = report.original_from;
  out["original_subject"] = report.original_subject;
  out["reporting_mta"] = report.reporting_mta;
  out["from"] = report.from;
  out["subject"] = report.subject;
}

}  // namespace spamgate
