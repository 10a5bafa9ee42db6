// Private to the bounce-report parser (src/bounce/report/): a report's
// failure text (its text before the copy of the original message) and what
// it says about each recipient it names: the status code, the server's
// reply, the lines under the address. The delivery-status stage asks it
// about a block that states no status or diagnostic; the non-standard stage
// takes its recipients from it. Reads only; the text is not its own.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bounce/report/free_text.h"

namespace spamgate::bounce_report {

// What a report says about one recipient.
struct Said {
  std::string status, diagnostic;
  std::string own_status;  // the status in the recipient's own paragraph of the text, "" when none
};

class FailureText {
 public:
  // `marker`: where a phrase that starts the failure text ends (npos: none).
  FailureText(std::string_view text, size_t marker) : text_(text), marker_(marker) {}

  std::string_view text() const { return text_; }
  size_t marker() const { return marker_; }

  // The addresses the text names, none of `exclude`; said_about reads these
  // from now on. Without a call, said_about reads them with none excluded.
  const std::vector<bounce_text::Candidate>& read_candidates(const std::vector<std::string>& exclude);

  // What the text says about `address`: the status code and SMTP reply in
  // its paragraph; when it has none, the text's only reply (if it lists one
  // recipient), the lines under the address, the words after "The response
  // was:" and the like, in that order.
  Said said_about(const std::string& address);

 private:
  std::string_view text_;
  size_t marker_;
  std::vector<bounce_text::Candidate> candidates_;  // read on first need
  bool candidates_read_ = false;
};

}  // namespace spamgate::bounce_report
