#include "bounce/report/free_text.h"

#include <algorithm>
#include <cctype>

#include "bounce/report/text.h"
#include "util/ascii.h"

namespace spamgate::bounce_text {
namespace {

// Text in ASCII lower case with whitespace runs as one space, and where
// each of its bytes came from, so a phrase found in it maps back.
struct Folded {
  std::string text;
  std::vector<size_t> origin;  // origin[i]: offset of text[i] in the source; one more entry: the source's end
};

Folded fold(std::string_view source) {
  Folded f;
  f.text.reserve(source.size());
  f.origin.reserve(source.size() + 1);
  bool in_space = false;
  for (size_t i = 0; i < source.size(); ++i) {
    if (is_space(source[i])) {
      if (!in_space && !f.text.empty()) {
        f.text += ' ';
        f.origin.push_back(i);
      }
      in_space = true;
      continue;
    }
    in_space = false;
    f.text += ascii_lower(source[i]);
    f.origin.push_back(i);
  }
  f.origin.push_back(source.size());
  return f;
}

// Phrases are lower case with single spaces; they match folded text.
constexpr std::string_view kBounceSubject[] = {
    "undeliver", "undelivered", "returned mail", "returned to sender", "returning message to sender",
    "failure notice", "delivery status notification", "delivery failure", "delivery failed", "delivery has failed",
    "delivery notification", "delivery problem", "delivery report", "delivery status", "non-delivery",
    "nondeliver", "not delivered", "could not be delivered", "mail system error", "error sending",
    "postmaster notify", "message you sent blocked", "failed delivery", "warning: could not send", "delayed mail",
    "bounce", "smtp server: errors from", "mail failure", "message frozen", "unzustellbar", "non remis", "non_remis",
    "non recapitabile", "olevererbart", "no se pudo entregar", "メールエラー", "配信できません", "送信できません",
    "不達", "не доставлено", "недоставленное",
};

constexpr std::string_view kFailureWords[] = {
    "could not be delivered", "couldn't be delivered", "could not deliver", "cannot be delivered", "was not delivered",
    "not delivered", "unable to deliver", "wasn't able to deliver", "undeliverable", "undelivered", "delivery failed",
    "delivery has failed", "failed permanently", "permanent error", "permanent fatal error", "permanent failure",
    "user unknown", "unknown user", "no such user", "invalid user", "mailbox unavailable", "mailbox is full",
    "mailbox full", "quota exceeded", "recipient address rejected", "address rejected", "does not exist",
    "address not found", "delivery to the following", "transcript of session follows", "error delivering",
    "delivery problems", "delivery errors", "was rejected", "konnte nicht zugestellt werden", "n'a pas pu être remis",
    "送信できませんでした", "配信できませんでした", "届きませんでした", "宛先不明", "送信に失敗", "メールボックスが一杯",
    "не может быть доставлено",
};

constexpr std::string_view kDelayWords[] = {
    "warning message only", "this is a warning only", "do not need to resend", "still being retried",
    "will continue to try", "will be retried", "will retry", "has been delayed", "delivery delayed",
    "delivery status notification (delay)", "warning: could not send message", "delayed mail",
    "has not yet been delivered", "no action is required on your part", "delivery attempts will continue",
};

constexpr std::string_view kAutoSubject[] = {
    "out of office", "out of the office", "automatic reply", "auto reply", "auto-reply", "autoreply",
    "auto response", "auto-response", "autoresponse", "automatic response", "auto:", "vacation", "away until",
    "away from", "on holiday", "on leave", "abwesenheit", "automatische antwort", "réponse automatique",
    "respuesta automática", "risposta automatica", "自動応答", "自動返信", "不在",
};

constexpr std::string_view kAutoBody[] = {
    "out of the office", "out of office", "i am away", "i'm away", "i am currently away", "i'm currently away",
    "on vacation", "on holiday", "on leave", "limited access to email", "limited access to e-mail",
    "upon my return", "returning to the office", "back in the office", "away from the office",
    "this is an automatic reply", "this is an automated reply", "auto-reply", "autoreply",
};

// The table of non-standard bounces: the phrase after which each writer
// lists the failed recipients, and the phrase that starts its copy of the
// original message. Either may be "" (a standard part carries it, or the
// writer has none). Learnt from the formats Sisimai's lhost modules read.
struct Format {
  std::string_view writer;    // documentation only
  std::string_view failure;   // starts the failure text
  std::string_view original;  // starts the copy of the original message
};
constexpr Format kFormats[] = {
    {"Postfix, Exim, Zoho", "could not be delivered to one or more", ""},
    {"Postfix (postmaster notice)", "transcript of session follows", "unsent message follows"},
    {"Exim", "could not be delivered to all of its recipients", "this is a copy of the message's headers"},
    {"Exim", "contained one or more recipient addresses", "----- this is a copy of the message"},
    {"Exim", "the following address(es) failed", "this is a copy of the message, including all the headers"},
    {"Exim (1&1, GMX, MXLogic)", "the following address failed", "the header of the original message is following"},
    {"MXLogic", "", "included is a copy of the message header"},
    {"qmail", "able to deliver your message to the following addresses", "below this line is a copy of the message"},
    {"qmail (ISP)", "to the following address(es) could not be delivered",
     "below this line is a copy of the mail header"},
    {"qmail clone", "your mail was not delivered to the following address",
     "below the next line is a copy of the message"},
    {"qmail clone", "your message to the following addresses", "mensaje original adjunto"},
    {"qmail clone", "su mensaje no pudo ser entregado", ""},
    {"Yahoo", "unable to deliver your message to the following address", ""},
    {"Sendmail", "the following addresses had permanent fatal errors", "original message follows"},
    {"Sendmail (X1)", "the following addresses had delivery errors", "unsent message follows"},
    {"Sendmail (X5)", "the following addresses had permanent delivery errors", "returned mail follows"},
    {"Biglobe, McAfee", "the following addresses had delivery problems", ""},
    {"Gmail", "delivery to the following recipient failed permanently", "----- original message -----"},
    {"Gmail, X3", "delivery to the following recipients failed permanently", ""},
    {"Gmail (delay)", "delivery to the following recipient has been delayed", ""},
    {"Google Workspace", "message not delivered", ""},
    {"Exchange 2003", "did not reach the following recipient", ""},
    {"Exchange, Office 365", "delivery has failed to these recipients", "original message headers"},
    {"Exchange (fr)", "informations de diagnostic pour les administrateurs", "tes de message d'origine :"},
    {"Exchange (it)", "informazioni di diagnostica per gli amministratori", "intestazioni originali del messaggio:"},
    {"Exchange (sv)", "diagnostisk information f", "ursprungshuvuden:"},
    {"Exchange", "diagnostic information for administrators", ""},
    {"MailMarshal", "the following recipients were affected", ""},
    {"Domino", "was not delivered to", ""},
    {"DragonFly", "there was an error delivering your mail to", "message headers follow"},
    {"KDDI", "could not be delivered to:", ""},
    {"MailFoundry, X2", "unable to deliver message to", ""},
    {"m-FILTER", "以下のメールアドレスへの送信に失敗しました", "-------original message"},
    {"Notes", "------- failure reasons", "------- returned message"},
    {"OpenSMTPD", "for the following list of recipients", "below is a copy of the original message"},
    {"Mimecast", "attempted to send to the following address", ""},
    {"X6", "the following recipients returned permanent errors", ""},
    {"Verizon", "message could not be delivered to", "original message:"},
    {"InterScan MSS", "sent <<< rcpt to:", ""},
    {"Courier", "your message to the following recipients cannot be delivered", ""},
    {"Amazon WorkMail", "while trying to deliver the mail to the following recipients", ""},
    {"EZweb", "each of the following recipients was rejected", ""},
    {"qmail clone", "this is the mail delivery agent at", ""},
    {"qmail clone", "this is the machine generated message from mail service", ""},
    {"au (EZweb)", "the user(s) account", ""},
    {"au (EZweb)", "your message was not delivered within", ""},
    {"Outlook, Hotmail", "delivery to the following recipient", ""},
    {"generic", "could not be delivered to the following", "content-type: message/rfc822"},
    {"generic", "", "undelivered message follows"},
    {"generic", "", "message header follows"},
    {"generic", "the following recipient(s)", "----- original message"},
    {"generic", "failed to deliver to", "bounced e-mail"},
    {"generic", "konnte nicht zugestellt werden", "returned message"},
};

template <size_t N>
bool contains_any(const std::string& folded, const std::string_view (&phrases)[N]) {
  for (std::string_view phrase : phrases)
    if (folded.find(phrase) != std::string::npos) return true;
  return false;
}

// Lines that start the quoted original message when no phrase says so.
bool starts_header_copy(std::string_view line) {
  return ascii_istarts_with(line, "received:") || ascii_istarts_with(line, "return-path:");
}
}  // namespace

std::vector<Candidate> recipient_candidates(std::string_view text, size_t failure_marker,
                                            const std::vector<std::string>& exclude, size_t max) {
  // Words just before an address that say it is not a recipient.
  static constexpr std::string_view kNotRecipient[] = {"from", "sender", "sender address", "reply-to", "return-path",
                                                       "message-id", "contact", "errors-to", "cc", "envelope", "id"};
  std::vector<Candidate> out;
  for (const AddressHit& hit : find_addresses(text, max)) {
    if (std::find(exclude.begin(), exclude.end(), hit.address) != exclude.end()) continue;
    const size_t newline = hit.begin == 0 ? std::string_view::npos : text.rfind('\n', hit.begin - 1);
    const size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
    std::string prefix = lower(trim(text.substr(line_start, hit.begin - line_start)));
    while (!prefix.empty() && std::string_view("<\"'([ \t").find(prefix.back()) != std::string_view::npos)
      prefix.pop_back();
    std::string core = prefix;
    while (!core.empty() && std::string_view(":;= \t").find(core.back()) != std::string_view::npos) core.pop_back();
    const auto ends_with = [&](std::string_view word) {
      return core.size() >= word.size() && core.compare(core.size() - word.size(), word.size(), word) == 0 &&
             (core.size() == word.size() ||
              !std::isalnum(static_cast<unsigned char>(core[core.size() - word.size() - 1])));
    };
    if (std::any_of(std::begin(kNotRecipient), std::end(kNotRecipient), ends_with)) continue;
    const bool listed = std::none_of(prefix.begin(), prefix.end(), [](unsigned char c) { return std::isalnum(c); }) ||
                        prefix.back() == ':' || prefix.back() == ';' || ends_with("to");
    const bool after_marker = failure_marker == std::string_view::npos || hit.begin >= failure_marker;
    const int tier = is_system_address(hit.address) ? 3 : !listed ? 2 : after_marker ? 0 : 1;
    auto seen = std::find_if(out.begin(), out.end(), [&](const Candidate& c) { return c.address == hit.address; });
    if (seen == out.end()) out.push_back({hit.address, tier, line_start, hit.begin, hit.end});
    else if (tier < seen->tier) *seen = {hit.address, tier, line_start, hit.begin, hit.end};
  }
  return out;
}

Details details_for(std::string_view text, size_t line_start, size_t address_begin, size_t address_end,
                    size_t until) {
  until = std::min({until, text.size(), line_start + 3000});
  if (line_start >= until || address_begin < line_start || address_end > until) return {};
  const std::string_view block = text.substr(line_start, until - line_start);
  Details d{find_status(block), find_reply(block), ""};
  // The lines under the address, headings and separators skipped.
  const size_t line_end = std::min(text.find('\n', address_end), until);
  std::string following;
  for (size_t pos = line_end, lines = 0; pos < until && lines < 3;) {
    size_t end = text.find('\n', pos + 1);
    if (end == std::string_view::npos || end > until) end = until;
    const std::string line = trim(text.substr(pos, end - pos));
    pos = end;
    const bool separator = line.size() >= 3 && std::string_view("-=*#_").find(line[0]) != std::string_view::npos &&
                           line[1] == line[0] && line[2] == line[0];
    if (line.empty() || separator || (line.back() == ':' && line.size() < 40)) continue;
    following += (following.empty() ? "" : " ") + line;
    ++lines;
  }
  // Else the address's own line, when it says more than the address ("Unknown user: a@b", "a@b [User unknown]").
  const auto letters = [&](size_t from, size_t to) {
    return std::count_if(text.begin() + static_cast<long>(from), text.begin() + static_cast<long>(to),
                         [](unsigned char c) { return std::isalpha(c); });
  };
  const std::string line = trim(text.substr(line_start, line_end - line_start));
  const bool says_more = letters(line_start, address_begin) + letters(address_end, line_end) >= 3;
  d.note = one_line(!following.empty() ? following : says_more ? line : "");
  return d;
}

std::string find_explanation(std::string_view text) {
  // Phrases a report puts just before the remote server's words when they are no SMTP reply.
  static constexpr std::string_view kLeadIns[] = {
      "the response was:", "the error that the other server returned was:", "remote host said:",
      "technical details of permanent failure:", "error message below:", "-------server message", "reject reason:",
      "reason:", "because:", "error:", "the problem appears to be :", "additional information follows :",
  };
  const Folded f = fold(text);
  size_t best = std::string::npos, best_end = 0;
  for (std::string_view lead_in : kLeadIns)
    if (const size_t at = f.text.find(lead_in); at != std::string::npos && at < best)
      best = at, best_end = at + lead_in.size();
  if (best == std::string::npos) return "";
  for (size_t pos = f.origin[best_end], lines = 0; pos < text.size() && lines < 4; ++lines) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string line = trim(text.substr(pos, end - pos));
    const bool separator = line.size() >= 3 && std::string_view("-=*#_").find(line[0]) != std::string_view::npos &&
                           line[1] == line[0] && line[2] == line[0];
    if (!line.empty() && !separator) return one_line(line);
    pos = end + 1;
  }
  return "";
}
bool has_phrase(std::string_view text, Phrases table) {
  const std::string folded = fold(text).text;
  switch (table) {
    case Phrases::bounce_subject: return contains_any(folded, kBounceSubject);
    case Phrases::failure_words: return contains_any(folded, kFailureWords);
    case Phrases::delay_words: return contains_any(folded, kDelayWords);
    case Phrases::auto_subject: return contains_any(folded, kAutoSubject);
    case Phrases::auto_body: return contains_any(folded, kAutoBody);
  }
  return false;
}

Sections find_sections(std::string_view text) {
  const Folded f = fold(text);
  Sections s;
  size_t marker = std::string::npos;  // in folded text
  for (const Format& format : kFormats) {
    if (format.failure.empty()) continue;
    const size_t at = f.text.find(format.failure);
    if (at != std::string::npos && (marker == std::string::npos || at < marker)) {
      marker = at;
      s.failure_marker = f.origin[at + format.failure.size()];
    }
  }
  size_t original = std::string::npos;
  for (const Format& format : kFormats) {
    if (format.original.empty()) continue;
    const size_t at = f.text.find(format.original, marker == std::string::npos ? 0 : marker);
    if (at != std::string::npos && at < original) original = at;
  }
  if (original != std::string::npos) s.original = f.origin[original];
  // No phrase before it: a header block copied into the text ("Received: ...").
  size_t start = s.failure_marker == std::string_view::npos ? 0 : s.failure_marker;
  if (start > 0 && text[start - 1] != '\n') {
    const size_t newline = text.find('\n', start);
    start = newline == std::string_view::npos ? newline : newline + 1;
  }
  while (start != std::string_view::npos && start < std::min(s.original, text.size())) {
    if (start > 0 && starts_header_copy(text.substr(start, 16))) {
      s.original = start;
      break;
    }
    const size_t newline = text.find('\n', start);
    start = newline == std::string_view::npos ? newline : newline + 1;
  }
  return s;
}
}  // namespace spamgate::bounce_text
