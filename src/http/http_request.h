// HttpRequest: one FastCGI request as the handlers see it: the web
// server's params, the path, and the body already read within the limit.
// Built by the server loop; handlers never touch libfcgi directly.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spamgate {

struct HttpRequest {
  // Every FastCGI param in the order the web server sent them.
  std::vector<std::pair<std::string, std::string>> params;
  std::string method;        // REQUEST_METHOD
  std::string path;          // DOCUMENT_URI, else REQUEST_URI without the query
  std::string content_type;  // CONTENT_TYPE
  std::string body;           // at most limits.max_body_bytes
  bool body_too_large = false;  // the body was longer and was discarded

  // The value of param `name`, or "" when absent.
  std::string_view param(std::string_view name) const;
  // The value of request header `name` as CGI names it ("User-Agent" →
  // HTTP_USER_AGENT), or "" when absent.
  std::string_view header(std::string_view name) const;
};

// Builds params, method, path and content type from a CGI environment
// ("NAME=value" strings, null-terminated array). The body is left empty.
HttpRequest request_from_environment(char** envp);

// The path part of a request URI: everything before '?'.
std::string path_of(std::string_view request_uri);

}  // namespace spamgate
