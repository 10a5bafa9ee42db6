// RedisEndpoint: where [shared] redis points, parsed from its URL:
// "redis://[[user]:password@]host[:port][/db]" or "unix:/path.sock[?db=N]".
#pragma once

#include <string>

#include "util/result.h"

namespace spamgate {

struct RedisEndpoint {
  std::string host;       // empty for a unix socket
  int port = 6379;
  std::string unix_path;  // empty for TCP
  int db = 0;
  std::string password;   // from the URL; "" = none there

  // The URL without its password, for logs and status.
  std::string display;
};

// Parses `url`; errors say which part is wrong, never echo the password.
Result<RedisEndpoint> parse_redis_url(const std::string& url);

}  // namespace spamgate
