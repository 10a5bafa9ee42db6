#include "shared/shared_status.h"

#include <cstdio>

#include "shared/node_positions.h"
#include "shared/redis_config.h"
#include "store/event_stream_state.h"

namespace spamgate {
namespace {

constexpr int kCountLimit = 10000;  // "10000+ behind" past this

// The stream id this node's store has applied up to ("" = none).
Result<std::string> applied_position(const Config& config) {
  Result<std::unique_ptr<EventStreamState>> state = EventStreamState::open(config.resolve(config.store.path));
  if (!state) return Error{state.error()};
  return (*state)->cursor();
}

// How many stream entries lie past `position` ("" = from the start):
// "N behind", "10000+ behind" past the limit.
Result<std::string> entries_behind(RedisLink& redis, const std::string& stream, const std::string& position) {
  Result<RedisReply> after = redis.run({"XRANGE", stream, position.empty() ? "-" : "(" + position, "+", "COUNT",
                                        std::to_string(kCountLimit + 1)});
  if (!after) return Error{after.error()};
  const size_t behind = after->elements.size();
  return (behind > static_cast<size_t>(kCountLimit) ? std::to_string(kCountLimit) + "+" : std::to_string(behind)) +
         " behind";
}

// One line per node that published its position within its time to live:
// how far behind the stream's head it is. False when Redis did not answer.
bool print_node_lags(RedisLink& redis, const std::string& stream, std::ostream& out) {
  Result<std::vector<NodePosition>> nodes = read_node_positions(redis);
  if (!nodes) {
    out << "nodes: unreadable (" << nodes.error() << ")\n";
    return false;
  }
  out << "nodes (" << nodes->size() << " published a position within " << kNodePositionTtl.count() << " s):\n";
  for (const NodePosition& node : *nodes) {
    out << "  " << node.node << ": ";
    if (node.malformed) {
      out << "malformed position, ignored\n";
      continue;
    }
    Result<std::string> lag = entries_behind(redis, stream, node.position);
    out << "applied " << (node.position.empty() ? "none" : node.position) << ", "
        << (lag ? *lag : "unreadable (" + lag.error() + ")") << "\n";
  }
  return true;
}

std::string milliseconds(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", ms);
  return text;
}

}  // namespace

int print_shared_status(const Config& config, std::ostream& out, std::ostream& err) {
  out << "node: " << node_name(config) << "\n";
  if (config.shared.redis.empty()) {
    out << "shared state: off (this node's SQLite only)\n";
    return 0;
  }
  Result<RedisLinkOptions> options = redis_link_options(config);
  if (!options) {
    err << options.error() << "\n";
    return 2;
  }
  options->timeout = std::max(options->timeout, std::chrono::milliseconds(1000));  // a person waits; requests do not
  options->log_changes = false;
  RedisLink redis(*options);
  Result<double> ping = redis.ping();
  if (!ping) {
    out << "shared state: " << redis.display() << " DOWN (" << ping.error() << ")\n";
    return 1;
  }
  out << "shared state: " << redis.display() << " up, round trip " << milliseconds(*ping) << " ms\n";

  Result<std::string> applied = applied_position(config);
  if (!applied) {
    err << config.resolve(config.store.path) << ": " << applied.error() << "\n";
    return 2;
  }
  const std::string stream = redis.key("learn:stream");
  Result<RedisReply> newest = redis.run({"XREVRANGE", stream, "+", "-", "COUNT", "1"});
  Result<std::string> behind = entries_behind(redis, stream, *applied);
  if (!newest || !behind) {
    out << "learning stream: unreadable (" << (!newest ? newest.error() : behind.error()) << ")\n";
    return 1;
  }
  const std::string newest_id = newest->elements.empty() || newest->elements[0].elements.empty()
                                    ? std::string("none")
                                    : newest->elements[0].elements[0].str;
  out << "learning stream: applied " << (applied->empty() ? "none" : *applied) << ", newest " << newest_id << ", "
      << *behind << "\n";
  if (!print_node_lags(redis, stream, out)) return 1;
  Result<RedisReply> leader = redis.run({"GET", redis.key("leader")});
  out << "leader: " << (leader && !leader->is_nil() ? leader->str : "none") << "\n";
  return 0;
}

}  // namespace spamgate
