#include "mail/composer.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "mail/header_encoding.h"
#include "mail/quoted_printable.h"
#include "util/email_address.h"
#include "util/header_safety.h"
#include "util/utf8.h"

namespace spamgate {
namespace {

// Why `value` may not become (part of) a header, or "" when it may.
std::string address_problem(std::string_view address) {
  if (std::string problem = header_value_problem(address); !problem.empty()) return problem;
  if (!address.empty() && address.front() == '-') return "address starts with '-'";
  // One plain ASCII dot-atom mailbox: no quoted local part, no address
  // literal, nothing a mail program could read as an option.
  if (!is_safe_reply_to_address(address)) return "not exactly one valid address";
  return "";
}

Error field_error(std::string_view field, std::string_view problem) {
  return Error{std::string(field) + ": " + std::string(problem)};
}

bool allowed_recipient(const MailConfig& config, const std::string& address) {
  const auto listed = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), address) != list.end();
  };
  return listed(config.owners) || listed(config.allowed_recipients);
}

std::string rfc5322_date(TimePoint now) {
  static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = static_cast<std::time_t>(unix_seconds(now));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[utc.tm_wday], utc.tm_mday,
                months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return buffer;
}

Result<std::string> message_id(TimePoint now, const std::string& domain) {
  unsigned char random[8];
  if (RAND_bytes(random, sizeof random) != 1) return Error{"message-id: no random bytes available"};
  static const char hex[] = "0123456789abcdef";
  std::string id = "<";  // appended piecewise: "lit" + std::string&& trips GCC 12's -Wrestrict (PR 105651)
  id += std::to_string(unix_seconds(now));
  id += ".";
  for (unsigned char byte : random) {
    id += hex[byte >> 4];
    id += hex[byte & 0x0F];
  }
  return id + "@" + domain + ">";
}

Status check_request(const MailConfig& config, const ComposeRequest& request) {
  if (std::string problem = address_problem(config.from_address); !problem.empty())
    return field_error("mail.from_address", problem);
  if (std::string problem = header_value_problem(config.from_name); !problem.empty())
    return field_error("mail.from_name", problem);
  if (request.to.empty()) return Error{"to: no recipients"};
  for (const std::string& to : request.to) {
    if (std::string problem = address_problem(to); !problem.empty()) return field_error("to", problem);
    if (!allowed_recipient(config, to)) return Error{"to: " + to + " is not in mail.owners or mail.allowed_recipients"};
  }
  if (request.reply_to) {
    if (std::string problem = address_problem(*request.reply_to); !problem.empty())
      return field_error("reply_to", problem);
  }
  if (request.reply_to_name) {
    if (std::string problem = header_value_problem(*request.reply_to_name); !problem.empty())
      return field_error("reply_to_name", problem);
  }
  if (std::string problem = header_value_problem(request.subject); !problem.empty()) return field_error("subject", problem);
  return Status::success();
}

}  // namespace

Result<MailMessage> compose_message(const MailConfig& config, const ComposeRequest& request, TimePoint now) {
  if (Status checked = check_request(config, request); !checked) return Error{checked.error()};
  const std::string domain = !config.site_domain.empty()
                                 ? config.site_domain
                                 : config.from_address.substr(config.from_address.rfind('@') + 1);
  if (std::string problem = address_problem("postmaster@" + domain); !problem.empty())
    return field_error("mail.site_domain", "not a valid domain");
  Result<std::string> id = message_id(now, domain);
  if (!id) return Error{id.error()};

  std::vector<std::string> recipients;
  for (const std::string& to : request.to)
    if (std::find(recipients.begin(), recipients.end(), to) == recipients.end()) recipients.push_back(to);

  std::string data;
  data += mailbox_field("From", config.from_name, config.from_address);
  data += address_list_field("To", recipients);
  if (request.reply_to) data += mailbox_field("Reply-To", request.reply_to_name.value_or(""), *request.reply_to);
  data += unstructured_field("Subject", request.subject);
  data += "Date: " + rfc5322_date(now) + "\r\n";
  data += "Message-ID: " + *id + "\r\n";
  data += "Auto-Submitted: auto-generated\r\n";
  data += "MIME-Version: 1.0\r\n";
  data += "Content-Type: text/plain; charset=UTF-8\r\n";
  data += "Content-Transfer-Encoding: quoted-printable\r\n";
  data += "\r\n";
  data += encode_quoted_printable(replace_invalid_utf8(request.text_body));
  return MailMessage{config.from_address, std::move(recipients), std::move(data)};
}

}  // namespace spamgate
