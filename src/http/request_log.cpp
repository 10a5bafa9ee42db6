#include "http/request_log.h"

#include "util/logfmt.h"

namespace spamgate {

void RequestLog::write(uint64_t microseconds) const {
  LogLine line(status >= 500 ? "error" : "info");
  line.add("id", id).add("endpoint", endpoint_name(endpoint)).add("ip", ip).add("action", outcome_name(outcome));
  if (!form.empty()) line.add("form", form);
  line.add("status", status);
  if (scored) line.add("score", score).add("rules", rules);
  if (!reason.empty()) line.add("reason", reason);
  line.add("us", static_cast<long long>(microseconds));
  line.write();
}

}  // namespace spamgate
