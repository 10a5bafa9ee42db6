// NodePositions: how far each node of a cluster has applied the learning
// stream, for `spamgate status`. Each node publishes its stream position
// under PREFIX:learn:node:NAME with a time to live, so a node that stopped
// drops out of the list on its own. Anything read back may be malformed
// (anyone who can write to Redis can put anything there): such an entry is
// listed as malformed, never trusted.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "shared/redis_link.h"
#include "util/result.h"

namespace spamgate {

// How long a published position stays without being published again.
inline constexpr std::chrono::seconds kNodePositionTtl{30};

// Publishes this node's (redis.node()) stream position ("" = none applied
// yet) for kNodePositionTtl. Error: Redis did not take it.
Status publish_node_position(RedisLink& redis, const std::string& position);

struct NodePosition {
  std::string node;      // its name, control bytes shown as '?'
  std::string position;  // a stream id, "" = none applied yet
  bool malformed = false;  // the value was not a stream id: `position` is empty
};

// Every node's published position, ordered by node name. Error: Redis.
Result<std::vector<NodePosition>> read_node_positions(RedisLink& redis);

}  // namespace spamgate
