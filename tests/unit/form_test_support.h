// What the form decoder unit tests share: the check that a decode failed
// with a given HTTP status and reason and kept no field. Test-only.
#pragma once

#include <doctest/doctest.h>

#include <string>

#include "form/form_decoder.h"

namespace spamgate::testing {

inline void check_error(const FormResult& result, int status, const std::string& reason) {
  CHECK_FALSE(result.ok());
  CHECK(result.error.http_status == status);
  CHECK(result.error.reason == reason);
  CHECK(result.fields.empty());
}

}  // namespace spamgate::testing
