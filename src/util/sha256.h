// SHA-256 as lower-case hex: digests of mail and bounce reports (each
// handled once) and the erasure key of a person's e-mail address on the
// shared learning stream. Never used for secrets or passwords.
#pragma once

#include <string>
#include <string_view>

namespace spamgate {

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace spamgate
