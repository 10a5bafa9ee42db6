#include "bounce/report/failure_text.h"

#include <algorithm>

#include "bounce/report/text.h"

namespace spamgate::bounce_report {

namespace text = bounce_text;

const std::vector<text::Candidate>& FailureText::read_candidates(const std::vector<std::string>& exclude) {
  candidates_ = text::recipient_candidates(text_, marker_, exclude);
  candidates_read_ = true;
  return candidates_;
}

Said FailureText::said_about(const std::string& address) {
  if (!candidates_read_) candidates_ = text::recipient_candidates(text_, marker_, {});
  candidates_read_ = true;
  const auto at = std::find_if(candidates_.begin(), candidates_.end(),
                               [&](const text::Candidate& c) { return c.address == address; });
  const size_t listed =
      std::count_if(candidates_.begin(), candidates_.end(), [](const text::Candidate& c) { return c.tier <= 1; });
  text::Details d;
  if (at != candidates_.end()) {
    size_t until = text_.size();
    for (const text::Candidate& c : candidates_)
      if (c.tier <= 1 && c.line_start > at->line_start) until = std::min(until, c.line_start);
    d = text::details_for(text_, at->line_start, at->begin, at->end, until);
  }
  const std::string_view after_marker =
      text_.substr(std::min(marker_ == std::string_view::npos ? 0 : marker_, text_.size()));
  Said said{d.status, d.reply, d.status};
  if (said.status.empty()) said.status = text::find_status(after_marker);
  if (said.status.empty()) said.status = text::find_status(text_);
  if (said.diagnostic.empty() && listed <= 1) said.diagnostic = text::find_reply(after_marker);
  if (said.diagnostic.empty()) said.diagnostic = d.note;
  if (said.diagnostic.empty()) said.diagnostic = text::find_explanation(text_);
  if (said.diagnostic.empty()) said.diagnostic = text::find_reply(text_);
  return said;
}

}  // namespace spamgate::bounce_report
