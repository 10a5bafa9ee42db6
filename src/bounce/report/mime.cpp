#include "bounce/report/mime.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

#include "bounce/report/text.h"
#include "util/ascii.h"

namespace spamgate::bounce_mime {
namespace {

std::string media_type(GMimeObject* object) {
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (!type) return "";
  const char* major = g_mime_content_type_get_media_type(type);
  const char* minor = g_mime_content_type_get_media_subtype(type);
  return bounce_text::lower(std::string(major ? major : "") + "/" + (minor ? minor : ""));
}

// The part's content with its transfer encoding undone, as bytes.
std::string raw_content(GMimePart* part) {
  GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
  if (!wrapper) return "";
  GPtr<GMimeStream> stream(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(wrapper, stream.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  return bytes ? std::string(reinterpret_cast<const char*>(bytes->data), std::min<size_t>(bytes->len, kMaxText)) : "";
}

// A text part's content converted from its charset to UTF-8. Stray NUL
// bytes (a "=00" in quoted-printable) become spaces, so nothing is cut there.
std::string text_content(GMimePart* part) {
  std::string bytes = raw_content(part);
  std::replace(bytes.begin(), bytes.end(), '\0', ' ');
  const char* charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
  const std::string name = bounce_text::lower(charset ? charset : "");
  if (name.empty() || name == "utf-8" || name == "us-ascii") {
    if (g_utf8_validate(bytes.data(), static_cast<gssize>(bytes.size()), nullptr)) return bytes;
  } else {
    gsize written = 0;
    GError* error = nullptr;
    char* converted = g_convert_with_fallback(bytes.data(), static_cast<gssize>(bytes.size()), "UTF-8",
                                              g_mime_charset_iconv_name(charset), "?", nullptr, &written, &error);
    if (error) g_error_free(error);
    if (converted) {
      std::string out(converted, written);
      g_free(converted);
      return out;
    }
  }
  char* decoded = g_mime_utils_decode_8bit(nullptr, bytes.data(), bytes.size());  // best effort: never fails
  std::string out = decoded ? decoded : "";
  g_free(decoded);
  return out;
}

// HTML as text: tags dropped (block tags as line ends), style and script
// skipped, the common entities. One pass over the input.
std::string html_text(std::string_view html) {
  static constexpr std::string_view kBlocks[] = {"br", "p", "/p", "div", "/div", "tr", "/tr", "li", "/li",
                                                 "table", "/table", "h1", "h2", "h3", "/h1", "/h2", "/h3"};
  static constexpr std::pair<std::string_view, char> kEntities[] = {
      {"&nbsp;", ' '}, {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
  std::string out;
  size_t i = 0;
  while (i < html.size()) {
    if (html[i] == '<') {
      const size_t close = html.find('>', i);
      if (close == std::string_view::npos) break;
      size_t name_end = i + 1 < close && html[i + 1] == '/' ? i + 2 : i + 1;
      while (name_end < close && std::isalnum(static_cast<unsigned char>(html[name_end]))) ++name_end;
      const std::string name = bounce_text::lower(html.substr(i + 1, name_end - i - 1));
      i = close + 1;
      if (name == "style" || name == "script") {
        size_t end = i;
        while ((end = html.find("</", end)) != std::string_view::npos &&
               !ascii_istarts_with(html.substr(end + 2), name))
          end += 2;
        i = end == std::string_view::npos ? html.size() : end;  // the end tag is read next
      } else if (std::find(std::begin(kBlocks), std::end(kBlocks), name) != std::end(kBlocks)) {
        out += '\n';
      }
      continue;
    }
    if (html[i] == '&') {
      const auto* entity = std::find_if(std::begin(kEntities), std::end(kEntities),
                                        [&](const auto& e) { return ascii_istarts_with(html.substr(i), e.first); });
      if (entity != std::end(kEntities)) {
        out += entity->second;
        i += entity->first.size();
        continue;
      }
    }
    out += html[i++];
  }
  return out;
}

// A text part that is a block of header fields (the returned message's
// headers sent as a text/plain attachment).
bool is_header_block(std::string_view text) {
  const std::vector<bounce_text::Fields> blocks = bounce_text::field_blocks(text.substr(0, 4096), 1);
  if (blocks.empty() || blocks.front().size() < 3) return false;
  const std::string first = blocks.front().front().first;
  for (const char* name : {"received", "return-path", "from", "message-id", "date", "to", "subject", "mime-version",
                           "dkim-signature", "delivered-to"})
    if (first == name) return true;
  return false;
}

void walk(GMimeObject* object, int depth, const BounceParseLimits& limits, int& parts, Content& c, std::string& html) {
  if (!object) return;
  if (depth > limits.max_mime_depth || parts >= limits.max_parts) {
    c.beyond_limits = true;
    return;
  }
  ++parts;
  const std::string type = media_type(object);
  if (GMIME_IS_MULTIPART(object)) {
    if (c.report_type.empty() && type == "multipart/report")
      if (const char* report = g_mime_object_get_content_type_parameter(object, "report-type"))
        c.report_type = bounce_text::lower(bounce_text::trim(report));
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    const int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count; ++i)
      walk(g_mime_multipart_get_part(multipart, i), depth + 1, limits, parts, c, html);
    return;
  }
  if (GMIME_IS_MESSAGE_PART(object)) {  // message/rfc822: the returned message, read on demand
    if (!c.returned) {
      c.returned = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
      c.returned_depth = depth + 1;
    }
    return;
  }
  if (!GMIME_IS_PART(object)) return;
  GMimePart* part = GMIME_PART(object);
  // A part without MIME headers whose first lines are the returned message's
  // headers: GMime reads those as the part's own headers.
  GMimeHeaderList* own = g_mime_object_get_header_list(object);
  if (c.returned_headers.empty() && own &&
      (g_mime_header_list_contains(own, "Received") || g_mime_header_list_contains(own, "Message-ID"))) {
    if (char* headers = g_mime_object_get_headers(object, nullptr)) {
      c.returned_headers = headers;
      g_free(headers);
    }
    return;
  }
  if (type == "message/delivery-status" || type == "message/global-delivery-status") {
    c.delivery_status.push_back(raw_content(part));
  } else if (type == "message/feedback-report") {
    c.feedback_report.push_back(raw_content(part));
  } else if (type == "text/rfc822-headers" || type == "text/rfc822-header" || type == "message/rfc822-headers" ||
             type == "message/global-headers" || type == "message/rfc822" || type == "message/global") {
    if (c.returned_headers.empty()) c.returned_headers = text_content(part);
  } else if (type == "text/html") {
    if (html.empty()) html = html_text(text_content(part));
  } else if (type.rfind("text/", 0) == 0) {
    std::string text = text_content(part);
    if (!c.text.empty() && c.returned_headers.empty() && is_header_block(text)) c.returned_headers = std::move(text);
    else if (c.text.size() < kMaxText) c.text += text.substr(0, kMaxText - c.text.size()) + "\n";
  }
}

}  // namespace

void init() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

GPtr<GMimeMessage> parse(std::string_view bytes) {
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  return GPtr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

std::string header(GMimeObject* object, const char* name, bool* present) {
  const char* value = object ? g_mime_object_get_header(object, name) : nullptr;
  if (present) *present = value != nullptr;
  return value ? value : "";
}

std::string decode_text(std::string_view text) {
  const std::string copy(text);
  char* decoded = g_mime_utils_header_decode_text(nullptr, copy.c_str());
  std::string out = decoded ? decoded : copy;
  g_free(decoded);
  return out;
}

Content collect(GMimeMessage* message, const BounceParseLimits& limits, int depth, int& parts) {
  Content c;
  std::string html;
  walk(g_mime_message_get_mime_part(message), depth, limits, parts, c, html);
  if (c.text.empty()) c.text = std::move(html);
  return c;
}

}  // namespace spamgate::bounce_mime
