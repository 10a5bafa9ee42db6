#include "http/pages.h"

#include "http/http_response.h"

namespace spamgate {
namespace {

std::string page(const std::string& title, const std::string& paragraphs) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width\"><title>" + title +
         "</title><style>body{font-family:sans-serif;max-width:36em;margin:4em auto;padding:0 1em;"
         "line-height:1.5;color:#222}</style></head>\n<body><h1>" + title + "</h1>\n" + paragraphs +
         "</body></html>\n";
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

const std::string& rejected_page() {
  static const std::string text =
      page("Your comment was not accepted",
           "<p>Sorry: this site's spam filter did not accept your comment. It looked like the kind of "
           "message spammers send (for example many links, or words often used in spam).</p>\n"
           "<p>If you are a person, please go back, shorten the links or rephrase, and try again, "
           "or contact the site owner another way.</p>\n");
  return text;
}

std::string upstream_error_page(int status) {
  const bool timeout = status == 504;
  return page(timeout ? "The site is taking too long" : "The site is not available right now",
              std::string("<p>Your submission could not be handed to the site ") +
                  (timeout ? "because it did not answer in time" : "because it is not reachable") +
                  ". Nothing was published.</p>\n<p>Please try again in a few minutes.</p>\n");
}

std::string contact_thanks_page() {
  return page("Thank you", "<p>Your message has been received.</p>\n");
}

std::string bad_request_page(int status, const std::string& reason) {
  return page(std::to_string(status) + " " + reason_phrase(status),
              "<p>The submission could not be read: " + html_escape(reason) + ".</p>\n");
}

}  // namespace spamgate
