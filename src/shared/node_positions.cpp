#include "shared/node_positions.h"

#include <algorithm>

#include "shared/event_stream.h"

namespace spamgate {
namespace {

constexpr const char* kNodeKeys = "learn:node:";
constexpr const char* kNoneYet = "none";  // a node that has applied nothing yet

// `text` with SCAN MATCH's pattern characters escaped.
std::string glob_literal(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// A node name read back from a key, with control bytes shown as '?' so a
// hostile key cannot rewrite the terminal that prints it.
std::string shown_name(std::string name) {
  for (char& c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return name;
}

}  // namespace

Status publish_node_position(RedisLink& redis, const std::string& position) {
  Result<RedisReply> set =
      redis.run({"SET", redis.key(kNodeKeys + redis.node()), position.empty() ? kNoneYet : position, "EX",
                 std::to_string(kNodePositionTtl.count())});
  return set ? Status::success() : Status{Error{set.error()}};
}

Result<std::vector<NodePosition>> read_node_positions(RedisLink& redis) {
  const std::string prefix = redis.key(kNodeKeys);
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    Result<RedisReply> page = redis.run({"SCAN", cursor, "MATCH", glob_literal(prefix) + "*", "COUNT", "1000"});
    if (!page) return Error{page.error()};
    if (page->type != RedisReply::Type::array || page->elements.size() != 2) return Error{"unexpected SCAN reply"};
    cursor = page->elements[0].str;
    for (const RedisReply& key : page->elements[1].elements) keys.push_back(key.str);
  } while (cursor != "0");
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());  // SCAN may return a key twice
  if (keys.empty()) return std::vector<NodePosition>{};
  std::vector<std::string> mget{"MGET"};
  mget.insert(mget.end(), keys.begin(), keys.end());
  Result<RedisReply> values = redis.run(mget);
  if (!values) return Error{values.error()};
  if (values->type != RedisReply::Type::array || values->elements.size() != keys.size())
    return Error{"unexpected MGET reply"};
  std::vector<NodePosition> nodes;
  for (size_t i = 0; i < keys.size(); ++i) {
    const RedisReply& value = values->elements[i];
    if (value.is_nil()) continue;  // expired between SCAN and MGET
    NodePosition node{shown_name(keys[i].substr(prefix.size())), "", false};
    if (value.type != RedisReply::Type::string) node.malformed = true;
    else if (value.str != kNoneYet && !parse_stream_id(value.str)) node.malformed = true;
    else if (value.str != kNoneYet) node.position = value.str;
    nodes.push_back(std::move(node));
  }
  return nodes;
}

}  // namespace spamgate
