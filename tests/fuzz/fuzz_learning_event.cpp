// libFuzzer target: any bytes in a learning stream entry or the learning
// snapshot (anyone who can write to the shared Redis can put them there)
// decode without an exception, a crash or undefined behaviour. The first
// byte picks the entry's op; the rest is its data (and, whole, a snapshot
// and a stream id). A decoded event re-encodes to data that decodes again
// to the same kind of event with as many decisions.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "learning/learning_event.h"
#include "support/invariant.h"
#include "shared/event_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  static const char* const kOps[] = {"record", "record_all", "merge", "forget", "forget_email", "other"};
  const std::string_view op = size == 0 ? "record" : kOps[data[0] % 6];
  const std::string_view payload = size == 0 ? input : input.substr(1);

  spamgate::Result<spamgate::LearningEvent> event = spamgate::decode_learning_event(op, payload);
  if (event) {
    const spamgate::Result<spamgate::LearningEvent> again =
        spamgate::decode_learning_event(spamgate::learning_op_name(event->op), spamgate::encode_learning_event(*event));
    REQUIRE_INVARIANT(again.ok());
    REQUIRE_INVARIANT(again->op == event->op && again->decisions.size() == event->decisions.size());
    REQUIRE_INVARIANT(again->target == event->target);
  } else {
    REQUIRE_INVARIANT(!event.error().empty());
  }
  (void)spamgate::decode_learning_snapshot(input);
  (void)spamgate::parse_stream_id(input);
  return 0;
}
