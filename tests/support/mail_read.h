// Reads a raw message (CRLF lines) back the way a mail client does: its
// header lines and fields (unfolded), its body, the encoded-words in a
// field. For the mail unit tests and the e2e checks of what the SMTP test
// server recorded; decoding itself is in support/mail_decode. Test-only.
#pragma once

#include <string>
#include <vector>

namespace spamgate::testing {

struct HeaderField {
  std::string name;   // as written ("" for a line in the header block that is no field at all)
  std::string value;  // unfolded (CRLF + WSP replaced by the WSP), leading space removed
};

// The header block of raw message `data` (up to the first empty line), one
// entry per field, in order. A line that neither starts a field nor
// continues one comes back with an empty name, so a test can count it.
std::vector<HeaderField> header_fields(const std::string& data);
// Values of every field named `name` (case-insensitive).
std::vector<std::string> header_values(const std::vector<HeaderField>& fields, const std::string& name);
// The first value of `name`, or "".
std::string header_value(const std::vector<HeaderField>& fields, const std::string& name);
// header_value() of `data`'s header: the field as a reader shows it, "" if absent.
std::string field_value(const std::string& data, const std::string& name);
// How many fields called `name` the header of `data` has.
int field_count(const std::string& data, const std::string& name);
// The header lines as written (folded; without CRLF), up to the first empty line.
std::vector<std::string> header_lines(const std::string& data);
// The raw (folded) field "Name: ...\r\n ...", without its final CRLF; "" if absent.
std::string raw_field(const std::string& data, const std::string& name);
// The body of `data` (after the first CRLF CRLF), or "" when none.
std::string message_body(const std::string& data);
// The Subject of a raw message, encoded-words decoded ("" when absent).
std::string subject_of(const std::string& data);
// Every "=?UTF-8?B?...?=" word in `value`, in order.
std::vector<std::string> encoded_words(const std::string& value);

}  // namespace spamgate::testing
