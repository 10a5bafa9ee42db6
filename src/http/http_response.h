// HttpResponse: what a handler answers, written back to the web server as
// CGI output. Either a response spamgate built (status, headers, body) or
// PHP-FPM's own output relayed byte for byte.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace spamgate {

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, these exact bytes (CGI headers and body from PHP-FPM) are
  // sent instead of status/headers/body.
  std::string relayed_cgi_output;
  bool relayed = false;

  static HttpResponse text(int status, std::string body);
  // The document as the body (util/json_text.h's text: compact, UTF-8).
  static HttpResponse json(int status, const nlohmann::json& body);
  static HttpResponse json(int status, const nlohmann::ordered_json& body);  // members in the order given
  static HttpResponse html(int status, std::string body);
  static HttpResponse redirect(std::string location);
  static HttpResponse relay(std::string cgi_output);

  // The CGI bytes: "Status: 403 Forbidden\r\nContent-Type: ...\r\n\r\n<body>".
  std::string to_cgi() const;
  // The same bytes as the server writes them, without joining them first:
  // the status line and headers up to the blank line ("" when relayed),
  // then the body (or the relayed output).
  std::string cgi_head() const;
  const std::string& cgi_body() const { return relayed ? relayed_cgi_output : body; }
};

// "Forbidden" for 403, and so on; "" for codes spamgate never sends.
const char* reason_phrase(int status);

}  // namespace spamgate
