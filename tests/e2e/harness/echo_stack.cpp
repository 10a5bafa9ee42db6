#include "harness/echo_stack.h"

#include <doctest/doctest.h>

namespace harness {
namespace {

SpamgateOptions with_upstream(SpamgateOptions options, const std::string& upstream) {
  options.upstream = upstream;
  return options;
}

}  // namespace

EchoStack::EchoStack(SpamgateOptions spamgate_options, PhpFpmOptions fpm_options, const std::string& nginx_directives)
    : fpm(std::move(fpm_options)),
      spamgate(with_upstream(std::move(spamgate_options), fpm.address())),
      nginx(NginxOptions{.server_body = nginx_directives + echo_comment_location(spamgate.address()) +
                                        fastcgi_location("/spamgate/", spamgate.address())}) {
  REQUIRE_MESSAGE(fpm.wait_until_listening(), fpm.error_log());
  REQUIRE_MESSAGE(spamgate.wait_until_listening(), spamgate.log());
  REQUIRE_MESSAGE(nginx.wait_until_listening(), nginx.error_log());
}

std::vector<std::pair<std::string, std::string>> comment_fields(const std::string& text) {
  return {{"comment", text}, {"author", "Ann Example"}, {"email", "ann@example.org"}, {"comment_post_ID", "1"}};
}

}  // namespace harness
