#include "http/handler_support.h"

#include <vector>

#include "http/pages.h"
#include "http/request_log.h"

namespace spamgate {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

}  // namespace

HttpResponse form_error_response(int status, const std::string& reason, RequestLog& log) {
  log.outcome = Outcome::client_error;
  log.reason = reason;
  return HttpResponse::html(status, bad_request_page(status, reason));
}

std::string discard_location(const HttpRequest& request) {
  const std::string_view referer = request.header("Referer");
  const std::string host(request.header("Host"));
  if (host.empty()) return "/";
  const std::string port(request.param("SERVER_PORT"));
  std::vector<std::string> sites = {host};
  if (host.find(':') == std::string::npos && !port.empty()) sites.push_back(host + ":" + port);
  for (std::string_view scheme : {"https://", "http://"})
    for (const std::string& site : sites)
      if (starts_with(referer, std::string(scheme) + site + "/")) return std::string(referer);
  return "/";
}

}  // namespace spamgate
