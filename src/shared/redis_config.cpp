#include "shared/redis_config.h"

#include <unistd.h>

namespace spamgate {

std::string node_name(const Config& config) {
  if (!config.shared.node.empty()) return config.shared.node;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "node") + ":" + (config.server.listen.empty() ? "fd0" : config.server.listen);
}

Result<RedisLinkOptions> redis_link_options(const Config& config) {
  Result<RedisEndpoint> endpoint = parse_redis_url(config.shared.redis);
  if (!endpoint) return Error{"shared.redis: " + endpoint.error()};
  RedisLinkOptions options;
  options.endpoint = *endpoint;
  if (!config.shared.password.file.empty() || !config.shared.password.env.empty()) {
    Result<std::string> password = read_secret(config.shared.password, config);
    if (!password) return Error{"shared.password: " + password.error()};
    options.password = *password;
  }
  options.timeout = std::chrono::milliseconds(config.shared.timeout_ms);
  options.key_prefix = config.shared.key_prefix;
  options.node = node_name(config);
  return options;
}

Result<RedisLinkOptions> review_link_options(const Config& config) {
  Result<RedisLinkOptions> options = redis_link_options(config);
  if (!options) return options;
  options->timeout = std::chrono::milliseconds(config.shared.review_timeout_ms);
  options->purpose = "review mirror";
  return options;
}

}  // namespace spamgate
