// The RedisLink options a config asks for ([shared] redis, password,
// timeout_ms or review_timeout_ms, node, key_prefix), for serve and the CLI alike.
#pragma once

#include <string>

#include "config/config.h"
#include "shared/redis_link.h"

namespace spamgate {

// This node's name among several: [shared] node, else hostname:listen.
std::string node_name(const Config& config);

// Parses the URL and reads the password (from the URL, else its file or
// variable). Error: "shared.redis: ..." or "shared.password: ...".
Result<RedisLinkOptions> redis_link_options(const Config& config);

// The same for the review mirror's own link: [shared] review_timeout_ms per
// command, so its slow calls and failures stay off the request path's link.
Result<RedisLinkOptions> review_link_options(const Config& config);

}  // namespace spamgate
