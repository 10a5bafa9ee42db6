// ImapMailbox: the few IMAP commands bounce watch needs, over libcurl:
// list message UIDs above a mark, read a message without marking it read,
// and flag or move one. TLS is required (imaps://, or imap:// with
// STARTTLS) with certificate verification as configured for [mail]. One
// connection per ImapMailbox, reused across calls. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "util/result.h"

namespace spamgate {

struct ImapOptions {
  std::string url;            // imaps://host[:port]/MAILBOX or imap://host[:port]/MAILBOX
  std::string username;
  std::string password;
  std::string ca_file;        // "" = the system's CA store
  bool verify_peer = true;
  int connect_timeout_seconds = 10;
  int timeout_seconds = 60;
};

class ImapMailbox {
 public:
  explicit ImapMailbox(ImapOptions options);
  ~ImapMailbox();
  ImapMailbox(const ImapMailbox&) = delete;
  ImapMailbox& operator=(const ImapMailbox&) = delete;

  // UIDs of the messages in the mailbox above `after`, ascending, at most
  // `limit`. Error: the server's or libcurl's reason in one line.
  Result<std::vector<uint64_t>> uids_after(uint64_t after, size_t limit);
  // The whole message `uid`, cut to `max_bytes`; its \Seen flag is as it
  // was before. Error: one line; "no message UID" when it is gone.
  Result<std::string> fetch(uint64_t uid, size_t max_bytes);
  // Sets \Seen on `uid`.
  Status mark_seen(uint64_t uid);
  // Moves `uid` to `folder` (IMAP MOVE, RFC 6851).
  Status move(uint64_t uid, const std::string& folder);

 private:
  // Runs `request` on the mailbox (or, when "", libcurl's own operation for
  // the URL + `url_suffix`, e.g. ";UID=7" fetches message 7); returns what
  // libcurl hands over: untagged response lines, or the message.
  Result<std::string> command(const std::string& request, const std::string& url_suffix = "");

  ImapOptions options_;
  void* curl_ = nullptr;  // CURL*, created on first use
};

}  // namespace spamgate
