#include "http/http_request.h"

#include <cctype>
#include <cstring>

namespace spamgate {

std::string_view HttpRequest::param(std::string_view name) const {
  for (const auto& [key, value] : params)
    if (key == name) return value;
  return {};
}

std::string_view HttpRequest::header(std::string_view name) const {
  std::string cgi_name = "HTTP_";
  for (char c : name) cgi_name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return param(cgi_name);
}

std::string path_of(std::string_view request_uri) {
  return std::string(request_uri.substr(0, request_uri.find('?')));
}

HttpRequest request_from_environment(char** envp) {
  HttpRequest request;
  for (char** entry = envp; entry && *entry; ++entry) {
    const char* equals = std::strchr(*entry, '=');
    if (!equals) continue;
    request.params.emplace_back(std::string(*entry, static_cast<size_t>(equals - *entry)), std::string(equals + 1));
  }
  request.method = std::string(request.param("REQUEST_METHOD"));
  request.content_type = std::string(request.param("CONTENT_TYPE"));
  std::string_view document_uri = request.param("DOCUMENT_URI");
  request.path = document_uri.empty() ? path_of(request.param("REQUEST_URI")) : std::string(document_uri);
  return request;
}

}  // namespace spamgate
