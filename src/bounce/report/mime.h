// Private to the bounce-report parser (src/bounce/report/): the GMime side.
// Parses a message from memory and collects what a report is made of: the
// delivery-status and feedback-report parts, the text parts (as UTF-8), the
// returned message or its headers. Every GObject is owned by a GPtr; no
// part is read beyond BounceParseLimits.
#pragma once

#include <gmime/gmime.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bounce/bounce_report.h"

namespace spamgate::bounce_mime {

struct Unref {
  void operator()(gpointer object) const {
    if (object) g_object_unref(object);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, Unref>;

constexpr size_t kMaxText = 512 * 1024;  // text kept per message: the regexes' work stays bounded

// g_mime_init, once per process, from any thread.
void init();

// The message in `bytes` (CRLF or LF), or null when GMime reads none.
GPtr<GMimeMessage> parse(std::string_view bytes);

// A header of `object`, unfolded and decoded to UTF-8 (GMime decodes
// encoded words); "" when absent. `present` tells an empty header from none.
std::string header(GMimeObject* object, const char* name, bool* present = nullptr);

// Encoded words (RFC 2047) in `text` decoded to UTF-8.
std::string decode_text(std::string_view text);

// What a message is made of, walked within the limits (depth, part count).
struct Content {
  std::vector<std::string> delivery_status;  // message/(global-)delivery-status bodies
  std::vector<std::string> feedback_report;  // message/feedback-report bodies
  std::string text;                          // the text parts, UTF-8, in order (HTML as text when no plain)
  std::string returned_headers;              // text/rfc822-headers, or a text part that is a header block
  GMimeMessage* returned = nullptr;          // the first message/rfc822 part's message (owned by the tree)
  int returned_depth = 0;                    // the MIME depth its body starts at
  std::string report_type;                   // multipart/report's report-type, lower case
  bool beyond_limits = false;                // parts left unread (too deep, too many)
};
// `parts` counts the parts walked so far, across nested messages.
Content collect(GMimeMessage* message, const BounceParseLimits& limits, int depth, int& parts);

}  // namespace spamgate::bounce_mime
