// SmtpConversation: what spamgate keeps of an SMTP exchange, fed from
// libcurl's debug callback. Server replies are kept (control characters
// and any occurrence of the secret replaced); of the client's lines only
// the command verb is kept, so AUTH credentials are never stored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mail/curl_smtp_transport.h"

namespace spamgate {

class SmtpConversation {
 public:
  // `secret` is scrubbed from anything the server says (some servers echo
  // input back); it is not stored otherwise.
  explicit SmtpConversation(std::string_view secret) : secret_(secret) {}

  // One or more CRLF-terminated reply lines received from the server.
  void server_lines(std::string_view text);
  // One or more command lines the client sent: only the verb is kept
  // (EHLO, STARTTLS, AUTH <mechanism>, MAIL, RCPT, DATA, QUIT, ...);
  // anything else, such as AUTH LOGIN's base64 lines, becomes "(credentials)".
  void client_lines(std::string_view text);

  // True once the server answered 235 to an AUTH command.
  bool authenticated() const { return authenticated_; }
  // The last complete server reply before the client's QUIT (the
  // interesting one: QUIT's 221 says nothing), continuation lines joined
  // by " / ", at most 300 chars; "" when the server said nothing.
  std::string last_reply() const;
  const std::vector<TranscriptLine>& lines() const { return lines_; }

 private:
  std::string clean(std::string_view line) const;

  std::string_view secret_;
  std::vector<TranscriptLine> lines_;
  std::vector<std::string> reply_;  // lines of the reply being read or last read
  bool reply_complete_ = true;
  bool awaiting_auth_reply_ = false;
  bool authenticated_ = false;
  bool quit_sent_ = false;
};

}  // namespace spamgate
