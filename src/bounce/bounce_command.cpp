#include "bounce/bounce_command.h"

#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

#include "bounce/bounce_log.h"
#include "bounce/bounce_watch.h"
#include "mail/mail_reports.h"
#include "mail/outbox.h"
#include "util/json_text.h"
#include "util/time_format.h"

namespace spamgate {

Result<std::string> bounce_password(const Config& config) {
  const SecretRef& ref = config.mail.bounces.password.file.empty() && config.mail.bounces.password.env.empty()
                             ? config.mail.password
                             : config.mail.bounces.password;
  return read_secret(ref, config);
}

int bounces_list(const Config& config, int limit, std::ostream& out, std::ostream& err) {
  auto log = BounceLog::open(config.resolve(config.store.path));
  if (!log) return err << log.error() << "\n", 2;
  SystemClock clock;
  const int64_t week_ago = unix_seconds(clock.now()) - 7 * 86400;
  Result<std::string> polled = (*log)->state("last_poll_at");
  Result<std::string> error = (*log)->state("last_error");
  Result<int64_t> own = (*log)->count("own", week_ago);
  Result<int64_t> foreign = (*log)->count("foreign", week_ago);
  Result<int64_t> forged = (*log)->count_forged(week_ago);
  if (!polled || !error || !own || !foreign || !forged) return err << "cannot read the bounce log\n", 2;
  int status = 0;
  out << "bounce watch: " << (config.mail.bounces.enabled ? config.mail.bounces.url : "off ([mail.bounces] enabled = false)")
      << "\n";
  out << "last poll: " << (polled->empty() ? "never" : rfc3339_utc(std::atoll(polled->c_str())))
      << (error->empty() ? "" : "  FAILED: " + *error) << "\n";
  if (!error->empty()) status = 1;
  const int64_t through_account = *foreign - *forged;
  out << "last 7 days: " << *own << " bounces of spamgate's own mail, " << *foreign
      << " foreign (mail spamgate never sent): " << through_account << " sent through your account, " << *forged
      << " with your address forged\n";
  if (through_account > 0) {
    out << "  FOREIGN BOUNCES THROUGH YOUR ACCOUNT: someone may be using " << config.mail.username
        << "; change the SMTP password\n";
    status = 1;
  }
  if (*forged > 0)
    out << "  " << forged_bounce_advice(config.mail.from_address) << "\n";
  for (const std::string& owner : config.mail.owners) {
    Result<int64_t> n = (*log)->own_bounces_to(owner, week_ago);
    if (n && *n >= config.mail.bounces.owner_bounce_limit)
      out << "  owner " << owner << ": " << *n << " bounces in 7 days; check this address\n", status = 1;
  }
  Result<std::vector<BounceRow>> rows = (*log)->recent(limit);
  if (!rows) return err << rows.error() << "\n", 2;
  for (const BounceRow& r : *rows)
    out << rfc3339_utc(r.received_at) << "  " << (r.forged() ? "forged" : r.origin) << "  " << r.kind << "  " << (r.status.empty() ? "-" : r.status)
        << "  " << r.recipient << "  " << r.original_message_id << "  " << r.diagnostic.substr(0, 120) << "\n";
  return status;
}

int bounces_poll(const Config& config, std::ostream& out, std::ostream& err) {
  if (!config.mail.enabled || !config.mail.bounces.enabled)
    return err << "bounce watch is off: set [mail] enabled and [mail.bounces] enabled = true\n", 2;
  Result<std::string> password = bounce_password(config);
  if (!password) return err << "mail.bounces.password: " << password.error() << "\n", 2;
  const std::string path = config.resolve(config.store.path);
  SystemClock clock;
  auto log = BounceLog::open(path);
  if (!log) return err << log.error() << "\n", 2;
  auto outbox = Outbox::open(path, clock, BackoffPolicy::from(config.mail));
  if (!outbox) return err << outbox.error() << "\n", 2;
  BounceWatch watch(config, **log, **outbox, clock, *password);
  Result<BouncePoll> poll = watch.poll_once();
  if (!poll) return err << poll.error() << "\n", 2;
  out << "read " << poll->read << ": " << poll->own << " own, " << poll->foreign << " foreign (" << poll->forged
      << " forged), " << poll->unknown
      << " unknown, " << poll->ignored << " not bounces" << (poll->alerted ? "; the owners were alerted" : "") << "\n";
  return 0;
}

int bounces_parse(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  int status = 0;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      err << file << ": cannot read\n";
      status = 2;
      continue;
    }
    const std::string message((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    nlohmann::ordered_json json = {{"file", file}};
    json.update(nlohmann::ordered_json(parse_bounce(message)));
    out << json_text(json) << "\n";
  }
  return status;
}

}  // namespace spamgate
