#include "shared/redis_url.h"

#include <charconv>

namespace spamgate {
namespace {

bool parse_int(std::string_view text, int min, int max, int& out) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || value < min || value > max) return false;
  out = value;
  return true;
}

Result<RedisEndpoint> parse_unix(std::string_view rest) {
  RedisEndpoint e;
  const size_t query = rest.find('?');
  e.unix_path = std::string(rest.substr(0, query));
  if (e.unix_path.empty() || e.unix_path.front() != '/') return Error{"unix: needs an absolute socket path"};
  if (query != std::string_view::npos) {
    std::string_view q = rest.substr(query + 1);
    if (q.rfind("db=", 0) != 0 || !parse_int(q.substr(3), 0, 1 << 20, e.db))
      return Error{"unix: the only option is ?db=N"};
  }
  e.display = "unix:" + e.unix_path + (e.db != 0 ? "?db=" + std::to_string(e.db) : "");
  return e;
}

}  // namespace

Result<RedisEndpoint> parse_redis_url(const std::string& url) {
  std::string_view rest(url);
  if (rest.rfind("unix:", 0) == 0) return parse_unix(rest.substr(5));
  if (rest.rfind("redis://", 0) != 0) return Error{"must start with redis:// or unix:"};
  rest.remove_prefix(8);
  RedisEndpoint e;
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view credentials = rest.substr(0, at);
    const size_t colon = credentials.find(':');
    if (colon == std::string_view::npos) return Error{"the part before @ must be [user]:password"};
    e.password = std::string(credentials.substr(colon + 1));
    rest.remove_prefix(at + 1);
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && !parse_int(db, 0, 1 << 20, e.db)) return Error{"the database after / must be a number"};
  }
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Error{"an IPv6 address needs its closing ]"};
    e.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty() && (authority.front() != ':' || !parse_int(authority.substr(1), 1, 65535, e.port)))
      return Error{"the port must be a number from 1 to 65535"};
  } else {
    const size_t colon = authority.rfind(':');
    e.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos && !parse_int(authority.substr(colon + 1), 1, 65535, e.port))
      return Error{"the port must be a number from 1 to 65535"};
  }
  if (e.host.empty()) return Error{"needs a host: redis://host:port/db"};
  const bool v6 = e.host.find(':') != std::string::npos;
  e.display = "redis://" + (v6 ? "[" + e.host + "]" : e.host) + ":" + std::to_string(e.port) + "/" + std::to_string(e.db);
  return e;
}

}  // namespace spamgate
