// BBCODE_LINK, INVALID_EMAIL and BAD_UTF8: what the text fields themselves
// show, with no state and no configuration.
#include <array>
#include <cctype>

#include "scoring/checks/check_functions.h"
#include "util/email_address.h"
#include "util/utf8.h"
#include "util/ascii.h"

namespace spamgate::checks {

// Forum link markup ("[url]", "[url=...]", "[link=...]", any case): bots
// post the same text to forums and blogs; WordPress never renders it.
Finding bbcode_link(const Submission& submission, const CheckContext&) {
  static constexpr std::array<std::string_view, 3> kTags = {"[url]", "[url=", "[link="};
  const std::string body = ascii_lowercase(submission.body);
  size_t count = 0;
  size_t first_position = std::string::npos;
  std::string_view first_tag;
  for (std::string_view tag : kTags) {
    for (size_t at = body.find(tag); at != std::string::npos; at = body.find(tag, at + tag.size())) {
      ++count;
      if (at < first_position) {
        first_position = at;
        first_tag = tag;
      }
    }
  }
  if (count == 0) return std::nullopt;
  const std::string shown = first_tag.back() == '=' ? std::string(first_tag) + "...]" : std::string(first_tag);
  if (count == 1) return "body: BBCode link tag " + shown;
  return "body: " + std::to_string(count) + " BBCode link tags, first " + shown;
}

// A non-empty email field that is not one valid addr-spec, as is (no
// trimming: " a@b.org" is not an address).
Finding invalid_email(const Submission& submission, const CheckContext&) {
  if (submission.email.empty()) return std::nullopt;
  if (auto problem = addr_spec_problem(submission.email)) return "email: " + *problem;
  return std::nullopt;
}

// The form layer answers 400 to ill-formed UTF-8 in a form post; JSON from
// /spamgate/check and the CLI arrive another way, so the text fields are
// checked here too.
Finding bad_utf8(const Submission& submission, const CheckContext&) {
  struct Field {
    std::string_view name;
    const std::string& value;
  };
  const Field fields[] = {{"author", submission.author}, {"email", submission.email}, {"url", submission.url},
                          {"subject", submission.subject}, {"body", submission.body}};
  for (const Field& field : fields) {
    const size_t at = first_invalid_utf8(field.value);
    if (at != field.value.size())
      return std::string(field.name) + ": invalid UTF-8 at byte " + std::to_string(at);
  }
  return std::nullopt;
}

}  // namespace spamgate::checks
