// Private to the bounce-report parser (src/bounce/report/): text helpers, no
// GMime here. RFC 822-style field groups (the delivery-status part),
// enhanced status codes and SMTP replies, addresses, quoted headers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spamgate::bounce_text {

bool is_space(char c);
std::string lower(std::string_view text);  // ASCII letters only
std::string trim(std::string_view text);
// Whitespace runs as one space, trimmed, at most `limit` bytes (cut at a
// UTF-8 character boundary).
std::string one_line(std::string_view text, size_t limit = 500);
std::string without_angles(std::string_view text);  // "<a@b> (x)" -> "a@b"

// RFC 822-style field groups separated by blank lines; names lower-cased.
// A line that is no "Name: value" continues the value before it (folded
// lines, the "550-..." lines of a multi-line reply).
using Fields = std::vector<std::pair<std::string, std::string>>;
std::vector<Fields> field_blocks(std::string_view text, size_t max_blocks = 256);
std::string field(const Fields& fields, std::string_view name);  // the first, or ""

// The first enhanced status code (RFC 3463, "5.1.1"), never a piece of an
// IP address or a version number; "" when none.
std::string find_status(std::string_view text);
// "5.0.0" says nothing but the class: the more specific code of the same
// class in `diagnostic` ("550 5.1.1 user unknown"), when there is one.
std::string refine_status(const std::string& status, std::string_view diagnostic);
// The first SMTP reply in `text` ("550 5.1.1 <a@b>: user unknown"), with
// the lines of a multi-line reply joined; "" when none.
std::string find_reply(std::string_view text);

struct AddressHit {
  std::string address;  // lower-cased
  size_t begin = 0, end = 0;
};
std::vector<AddressHit> find_addresses(std::string_view text, size_t max = 200);
// mailer-daemon@, postmaster@ and the like: the bouncing system itself.
bool is_system_address(std::string_view address);

// The value of a header line quoted in text ("  Subject: Hello"), or "".
std::string quoted_field(std::string_view text, std::string_view name);

// A header block quoted in text ("From: ...", "Subject: ..."), from the
// first line that looks like a header; "" when none.
std::string_view quoted_headers(std::string_view text);

}  // namespace spamgate::bounce_text
