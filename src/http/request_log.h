// RequestLog: what one request did, gathered while it is handled and
// written at its end as one logfmt line and one metrics sample.
#pragma once

#include <cstdint>
#include <string>

#include "http/metrics.h"

namespace spamgate {

struct RequestLog {
  std::string id;
  EndpointKind endpoint = EndpointKind::other;
  Outcome outcome = Outcome::ok;
  int status = 200;
  std::string ip;
  std::string form;     // a form route's form ("cf7", "wpforms", a custom form's name); "" otherwise
  bool scored = false;  // score and rules are meaningful
  double score = 0;
  std::string rules;    // comma-separated rule names
  std::string reason;   // why a request failed (never a secret, never submitted text)

  // Writes "time=.. level=info id=.. endpoint=.. ip=.. action=.. status=.. score=.. rules=.. us=..".
  void write(uint64_t microseconds) const;
};

}  // namespace spamgate
