// Test harness: a small blocking HTTP client (libcurl) for driving nginx,
// Apache and spamgate the way a browser or bot would.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace harness {

struct HttpResponse {
  long status = 0;  // 0 when the request failed (see error)
  std::vector<std::pair<std::string, std::string>> headers;  // in order; names lower-case
  std::string body;
  std::string error;
  double seconds = 0;

  // Every value of header `name` (lower-case), in order.
  std::vector<std::string> header_values(const std::string& name) const;
  // The first value of header `name`, or "".
  std::string header(const std::string& name) const;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  long timeout_ms = 15000;
  // Local address to connect from, e.g. "127.0.0.42" (any 127.0.0.0/8
  // address reaches a server on 127.0.0.1); "" = the system's choice.
  std::string source_address;
};

HttpResponse http(const HttpRequest& request);
HttpResponse http_get(const std::string& url);
// POST with Content-Type application/x-www-form-urlencoded.
HttpResponse http_post_form(const std::string& url, const std::vector<std::pair<std::string, std::string>>& fields,
                            std::vector<std::string> headers = {});
// Percent-encodes one urlencoded form component.
std::string form_encode(const std::string& text);
std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields);

// The value of metric `name` (any labels) in Prometheus text, as
// /spamgate/metrics answers, or -1 when it is missing.
double metric(const std::string& text, const std::string& name);

}  // namespace harness
