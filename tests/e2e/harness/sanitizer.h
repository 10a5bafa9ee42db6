// The e2e harness's name for tests/support/sanitizer.h's kUnderAsan.
#pragma once

#include "support/sanitizer.h"

namespace harness {
using spamgate::testing::kUnderAsan;
}  // namespace harness
