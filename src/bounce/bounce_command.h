// `spamgate bounces [list]|poll|parse`: the owner's view of bounce watch.
// Each returns the process exit code (0 ok, 1 something to look at, 2 error)
// and writes to `out` / `err`.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "config/config.h"

namespace spamgate {

// The last poll (time, error), the last 7 days' own and foreign counts
// (foreign split into those through the site's account and those with its
// address only forged, with SPF/DKIM/DMARC advice for the latter), owner
// addresses over mail.bounces.owner_bounce_limit, then the newest `limit`
// reports. Exit 1 when a bounce in 7 days shows the account sent mail
// spamgate never sent, an owner keeps bouncing, or the last poll failed;
// forged ones alone are information (0).
int bounces_list(const Config& config, int limit, std::ostream& out, std::ostream& err);

// Reads the mailbox once now (as serve does every poll_seconds).
int bounces_poll(const Config& config, std::ostream& out, std::ostream& err);

// Parses saved messages; prints one JSON object per file, with "file".
int bounces_parse(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

// The password bounce watch logs in with: mail.bounces.password, else mail.password.
Result<std::string> bounce_password(const Config& config);

}  // namespace spamgate
