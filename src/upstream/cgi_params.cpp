#include "upstream/cgi_params.h"

#include <algorithm>
#include <array>

namespace spamgate::fcgi {
namespace {

// Every exact name passed on, sorted for binary_search. Why each is there:
//   CONTENT_LENGTH, CONTENT_TYPE     PHP reads the body and fills $_POST from them
//   GATEWAY_INTERFACE                CGI/1.1 says which interface this is
//   HTTPS, REQUEST_SCHEME            WordPress's is_ssl() and the URLs it redirects to
//   DOCUMENT_URI, REQUEST_URI        WordPress's redirects and $_SERVER['REQUEST_URI']
//   PATH_INFO                        PHP_SELF and "almost pretty" permalinks (a path, never a file)
//   QUERY_STRING                     $_GET
//   REDIRECT_STATUS                  PHP built with cgi.force_redirect wants it (nginx sends 200)
//   REMOTE_ADDR, REMOTE_PORT         the commenter's address WordPress stores
//   REQUEST_METHOD                   POST
//   SCRIPT_NAME                      PHP_SELF (a URL path; the file is SCRIPT_FILENAME, pinned)
//   SERVER_ADDR, SERVER_NAME, SERVER_PORT, SERVER_PROTOCOL, SERVER_SOFTWARE
//                                    the site's own address and protocol, as the web server saw them
// Left out: SCRIPT_FILENAME and DOCUMENT_ROOT (pinned below), PATH_TRANSLATED
// (a file path PHP may run), PHP_VALUE and PHP_ADMIN_VALUE (ini settings,
// disable_functions or auto_prepend_file among them), AUTH_TYPE,
// REMOTE_USER, REMOTE_HOST, REMOTE_IDENT (the comment form needs none;
// PHP fills PHP_AUTH_* from HTTP_AUTHORIZATION), SPAMGATE_* (the gateway
// adds its own verdict) and anything else a client invents.
constexpr std::array<std::string_view, 19> kForwarded = {
    "CONTENT_LENGTH", "CONTENT_TYPE", "DOCUMENT_URI",    "GATEWAY_INTERFACE", "HTTPS",
    "PATH_INFO",      "QUERY_STRING", "REDIRECT_STATUS", "REMOTE_ADDR",       "REMOTE_PORT",
    "REQUEST_METHOD", "REQUEST_SCHEME", "REQUEST_URI",   "SCRIPT_NAME",       "SERVER_ADDR",
    "SERVER_NAME",    "SERVER_PORT",  "SERVER_PROTOCOL", "SERVER_SOFTWARE",
};
static_assert(std::is_sorted(kForwarded.begin(), kForwarded.end()));

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

}  // namespace

bool forwarded_cgi_param(std::string_view name) {
  // Request headers, as the web server names them, except spamgate's own
  // (a client forging the verdict) and Proxy (httpoxy: HTTP_PROXY would
  // become the proxy of every HTTP request the PHP code makes).
  if (starts_with(name, "HTTP_")) return !starts_with(name, "HTTP_X_SPAMGATE_") && name != "HTTP_PROXY";
  return std::binary_search(kForwarded.begin(), kForwarded.end(), name);
}

ParamViews forwarded_cgi_params(std::span<const ParamView> request, std::string_view document_root,
                                std::string_view script_filename, size_t extra) {
  ParamViews params;
  params.reserve(request.size() + 2 + extra);
  for (const ParamView& param : request)
    if (forwarded_cgi_param(param.first)) params.push_back(param);
  params.emplace_back("DOCUMENT_ROOT", document_root);
  params.emplace_back("SCRIPT_FILENAME", script_filename);
  return params;
}

std::string wordpress_root(const Config& config) {
  if (config.upstream.document_root.empty()) return "";
  std::string root = config.resolve(config.upstream.document_root);
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

}  // namespace spamgate::fcgi
