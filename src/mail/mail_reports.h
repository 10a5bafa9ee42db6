// Mail reports: the texts spamgate writes itself (the site label in
// subjects, previews, the digest of held mail, the daily-cap alert, the
// advice on forged bounces). Pure
// functions: they never read the store, compose or send.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"
#include "mail/outbox.h"

namespace spamgate {

// How many held messages a digest describes one by one; the rest are counted.
inline constexpr int kDigestDetailLimit = 100;

// The "[site]" subject tag: mail.site_domain, else the domain of
// mail.from_address, else "spamgate". Returns it with the brackets.
std::string site_tag(const MailConfig& mail);

// The first `lines` non-blank lines of `text`, each cut to at most
// `max_line_bytes` bytes on a UTF-8 character boundary, joined by "\n".
std::string make_preview(std::string_view text, int lines = 3, size_t max_line_bytes = 160);

// `value` with control characters shown as escapes (\r, \n, \t, \0, \xNN)
// and U+0085/U+2028/U+2029 as \u0085 etc., so a refused header value can be
// shown to the owner in a body line as it was, without breaking the line.
std::string visible_escapes(std::string_view value);

// What to do about bounces of mail someone else sent with `from_address`
// forged as the sender (no sign it went through the account): SPF, DKIM
// and DMARC for its domain; the password is not at stake. One paragraph.
std::string forged_bounce_advice(const std::string& from_address);

struct DigestText {
  std::string subject;
  std::string body;
  std::string preview;
};

// The digest of `held`: counts per kind, then for each of the first rows its
// id, time, kind, subject and the first 2 preview lines; the rest counted.
DigestText digest_text(const MailConfig& mail, const Outbox::HeldOverview& held);

// The one alert of a day: "daily cap reached: N messages kept in the outbox;
// run `spamgate outbox list`", with the cap's setting.
DigestText alert_text(const MailConfig& mail, int64_t kept);

}  // namespace spamgate
