#include "http/http_request.h"

#include <cctype>
#include <cstring>

namespace spamgate {

ParamList& ParamList::operator=(const ParamList& other) {
  if (this == &other) return *this;
  params_.clear();
  owned_.clear();
  owned_text_.clear();
  for (size_t i = 0; i < other.params_.size(); ++i) {
    if (other.owned_[i]) emplace_back(std::string(other.params_[i].first), std::string(other.params_[i].second));
    else add_view(other.params_[i].first, other.params_[i].second);
  }
  return *this;
}

ParamList& ParamList::operator=(std::initializer_list<std::pair<std::string, std::string>> params) {
  params_.clear();
  owned_.clear();
  owned_text_.clear();
  for (const auto& [name, value] : params) emplace_back(name, value);
  return *this;
}

void ParamList::emplace_back(std::string name, std::string value) {
  const auto& [kept_name, kept_value] = owned_text_.emplace_back(std::move(name), std::move(value));
  params_.emplace_back(kept_name, kept_value);
  owned_.push_back(true);
}

void ParamList::add_view(std::string_view name, std::string_view value) {
  params_.emplace_back(name, value);
  owned_.push_back(false);
}

std::string_view HttpRequest::param(std::string_view name) const {
  for (const auto& [key, value] : params)
    if (key == name) return value;
  return {};
}

std::string_view HttpRequest::header(std::string_view name) const {
  char cgi_name[128] = "HTTP_";
  if (name.size() > sizeof cgi_name - 6) return {};
  size_t length = 5;
  for (char c : name) cgi_name[length++] = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return param(std::string_view(cgi_name, length));
}

std::string path_of(std::string_view request_uri) {
  return std::string(request_uri.substr(0, request_uri.find('?')));
}

HttpRequest request_from_environment(char** envp) {
  HttpRequest request;
  size_t count = 0;
  for (char** entry = envp; entry && *entry; ++entry) ++count;
  request.params.reserve(count);
  for (char** entry = envp; entry && *entry; ++entry) {
    const char* equals = std::strchr(*entry, '=');
    if (!equals) continue;
    request.params.add_view(std::string_view(*entry, static_cast<size_t>(equals - *entry)), std::string_view(equals + 1));
  }
  request.method = std::string(request.param("REQUEST_METHOD"));
  request.content_type = std::string(request.param("CONTENT_TYPE"));
  std::string_view document_uri = request.param("DOCUMENT_URI");
  request.path = document_uri.empty() ? path_of(request.param("REQUEST_URI")) : std::string(document_uri);
  return request;
}

}  // namespace spamgate
