// HttpRequest: one FastCGI request as the handlers see it: the web
// server's params, the path, and the body already read within the limit.
// Built by the server loop; handlers never touch libfcgi directly.
#pragma once

#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spamgate {

// FastCGI params in the order the web server sent them, as views: into the
// server's request (which outlives the handler; nothing is copied per
// request) or into strings the list keeps for params added by hand.
class ParamList {
 public:
  using Param = std::pair<std::string_view, std::string_view>;

  ParamList() = default;
  ParamList(const ParamList& other) { *this = other; }
  ParamList& operator=(const ParamList& other);
  ParamList(ParamList&&) noexcept = default;
  ParamList& operator=(ParamList&&) noexcept = default;
  // Owned copies of `params` replace the list.
  ParamList& operator=(std::initializer_list<std::pair<std::string, std::string>> params);

  // Appends a copy the list keeps.
  void emplace_back(std::string name, std::string value);
  // Appends views; the caller keeps the text alive as long as the list.
  void add_view(std::string_view name, std::string_view value);
  void reserve(size_t n) {
    params_.reserve(n);
    owned_.reserve(n);
  }

  size_t size() const { return params_.size(); }
  std::vector<Param>::const_iterator begin() const { return params_.begin(); }
  std::vector<Param>::const_iterator end() const { return params_.end(); }

 private:
  std::vector<Param> params_;
  std::vector<bool> owned_;                              // params_[i] views owned_text_
  std::deque<std::pair<std::string, std::string>> owned_text_;  // stable addresses
};

struct HttpRequest {
  // Every FastCGI param in the order the web server sent them.
  ParamList params;
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
// ("NAME=value" strings, null-terminated array). The params are views into
// `envp`, which must outlive the request. The body is left empty.
HttpRequest request_from_environment(char** envp);

// The path part of a request URI: everything before '?'.
std::string path_of(std::string_view request_uri);

}  // namespace spamgate
