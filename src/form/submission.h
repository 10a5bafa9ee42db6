// Submission: one comment or contact-form post, as the scorer sees it.
// Built once per request by the form layer and read-only afterwards; it
// owns copies of every field so it can outlive the request buffers.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace spamgate {

enum class SubmissionKind { comment, contact, form };

// Every decoded form field in the order received; a name may repeat.
using FormFields = std::vector<std::pair<std::string, std::string>>;

struct Submission {
  SubmissionKind kind = SubmissionKind::comment;
  // Text fields, mapped from the form (comment: author/email/url/comment;
  // contact: name/email/subject/message). Empty when absent.
  std::string author;
  std::string email;
  std::string url;
  std::string subject;
  std::string body;
  // The client, from the web server's FastCGI params.
  std::string ip;          // REMOTE_ADDR
  std::string user_agent;  // HTTP_USER_AGENT
  std::string referer;     // HTTP_REFERER
  std::string endpoint;    // DOCUMENT_URI or SCRIPT_NAME, e.g. /wp-comments-post.php
  FormFields raw_form;     // every field, including ones not mapped above
  // A form plugin's submission (kind form): which preset or custom form
  // recognised it, the plugin's form id (CF7: _wpcf7) and the page or post
  // it was shown on (CF7: _wpcf7_container_post); "" when unknown.
  std::string form_name;
  std::string form_id;
  std::string form_container;

  // The value of the first field named `name`, or nullptr.
  const std::string* field(const std::string& name) const {
    for (const auto& [key, value] : raw_form)
      if (key == name) return &value;
    return nullptr;
  }
};

inline const char* kind_name(SubmissionKind kind) {
  switch (kind) {
    case SubmissionKind::comment: return "comment";
    case SubmissionKind::contact: return "contact";
    case SubmissionKind::form: return "form";
  }
  return "comment";
}

// The kind a stored name stands for; anything unknown reads as a comment.
inline SubmissionKind kind_of_name(std::string_view name) {
  if (name == "contact") return SubmissionKind::contact;
  if (name == "form") return SubmissionKind::form;
  return SubmissionKind::comment;
}

}  // namespace spamgate
