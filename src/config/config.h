// Config: every setting of spamgate, with its default, loaded from TOML.
// The sample spamgate.toml documents the same fields; keep them in step.
// Loading never reads a secret's value from the main config file: secrets
// come from a file or an environment variable the config names.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace spamgate {

struct ServerConfig {
  // "host:port", "unix:/path/to.sock", or "" to serve the socket spamgate
  // was started on (FastCGI file descriptor 0, as mod_fcgid and spawn-fcgi do).
  // Shipped configs use a unix socket (mode 0660): any local user can reach a TCP port.
  std::string listen = "127.0.0.1:9100";
  int threads = 16;             // FastCGI worker threads (each holds one connection)
  int cpu_threads = 0;          // of those, how many work at once (0 = two per core)
  int listen_backlog = 256;     // listen(2) backlog
  std::string socket_mode = "0660";  // permissions of a unix socket
};

struct LimitsConfig {
  int64_t max_body_bytes = 1 << 20;    // larger request bodies get 413
  int max_fields = 200;                // more form fields get 400
  int64_t max_field_bytes = 64 << 10;  // a longer field value gets 413
};

struct EndpointsConfig {
  std::string comment = "/wp-comments-post.php";
  std::string contact = "/contact";
  std::string check = "/spamgate/check";
  std::string health = "/spamgate/health";
  std::string metrics = "/spamgate/metrics";
  std::string notify = "/spamgate/notify";
  std::string feedback = "/spamgate/feedback";
  std::string stats = "/spamgate/stats";
  std::string train = "/spamgate/train";   // the plugin's history import
  std::string model = "/spamgate/model";   // the learner's counts, for the plugin
  // The review screen's API: GET PREFIX, GET PREFIX/ID, POST PREFIX/ID/decision.
  std::string submissions = "/spamgate/submissions";
  // Privacy requests: GET PREFIX?email=, POST PREFIX/erase.
  std::string personal_data = "/spamgate/personal-data";
  // GET: a fresh signed form token and the honeypot name as JSON, answered
  // without PHP (the plugin's script fills forms with it; no page cache).
  std::string token = "/spamgate/token";
  // POST candidate rule lines: what they would have done to the stored
  // history (`spamgate rules try`), as JSON. Changes nothing.
  std::string rules_try = "/spamgate/rules/try";
};

// Form field names for each role of a submission, tried in order (the
// first one present and non-empty wins); where none is present the role is
// guessed from the fields' names and values (see form/form_fields.h).
struct FormFieldNames {
  std::vector<std::string> author{}, email{}, url{}, subject{}, body{};
};

// The form-plugin presets spamgate knows; each is on unless turned off.
inline constexpr const char* kFormPresetNames[] = {"cf7", "wpforms", "gravity", "elementor", "wp_register",
                                                   "woo_register"};

// [forms.<preset>]: one preset's switch and the site's own field names.
struct FormPresetConfig {
  std::string name;      // one of kFormPresetNames
  bool enabled = true;   // false: the preset's requests are not recognised (forwarded unscored where routed)
  FormFieldNames fields; // tried before the preset's own names and the guess
};

// [[forms.custom]]: "your own form", posted to a path spamgate is routed.
struct CustomFormConfig {
  std::string name;      // label in logs, metrics and the review screen (letters, digits, '_', '-')
  std::string path;      // the path posted to; '*' matches one path segment
  std::string field;     // "" or "name" / "name=value" the POST must carry (body or query)
  std::string script;    // the PHP script a passed submission is forwarded to ("" = the path)
  std::string block_message = "Your message was not sent.";  // the page shown on reject
  FormFieldNames fields;
};

struct FormsConfig {
  bool enabled = true;                     // false: no form route at all (comments and /contact unchanged)
  std::vector<FormPresetConfig> presets;   // only the presets the config names
  std::vector<CustomFormConfig> custom;
  // The config of preset `name`, or nullptr when the file does not name it.
  const FormPresetConfig* preset(const std::string& name) const {
    for (const auto& p : presets)
      if (p.name == name) return &p;
    return nullptr;
  }
};

struct RulesConfig {
  std::vector<std::string> files = {"rules/default.rules"};  // relative to the config file
  int reload_check_seconds = 2;  // how often rule-file mtimes are checked; 0 = SIGHUP only
};

enum class RejectMode { reject, discard };

struct ActionsConfig {
  RejectMode on_reject = RejectMode::reject;  // 403 page, or pretend success (kept for review either way)
  std::string contact_success_redirect;       // where a passed contact form redirects ("" = a 200 page)
};

struct ChecksConfig {
  std::string honeypot_field = "sg_website";  // must stay empty; "" disables HONEYPOT
  std::string token_field = "sg_token";       // "<unix time>.<hex HMAC-SHA256(secret, unix time)>"
  bool require_token = false;                 // NO_TOKEN when the token is missing or bad
  int min_seconds = 3;                        // TOO_FAST below this many seconds after the form was rendered
  int max_token_age_seconds = 2 * 86400;      // an older token counts as NO_TOKEN
  int duplicate_window_seconds = 3600;        // DUPLICATE: same body within this window
  double rate_per_minute = 3;                 // RATE_IP refill rate per client IP
  double rate_burst = 6;                      // RATE_IP bucket size
  // FUZZY: near-duplicates of recent spam (marked by the owner, or rejected).
  double fuzzy_similarity = 0.5;              // share of fingerprint bins that must agree (0..1]
  int fuzzy_memory = 10000;                   // spam examples kept (the oldest goes first); 0 = FUZZY off
  bool fuzzy_from_rejects = true;             // rejected submissions become examples too
};

struct UpstreamConfig {
  std::string address = "127.0.0.1:9000";  // PHP-FPM: "host:port" or "unix:/path"
  int connect_timeout_ms = 1000;
  int response_timeout_ms = 30000;
  int keepalive_connections = 2;   // connections kept to PHP-FPM (closed after 2 s idle); at most pm.max_children / 2
  // WordPress's folder as PHP-FPM sees it: SCRIPT_FILENAME becomes this +
  // the endpoint path, DOCUMENT_ROOT this, whatever the request says.
  // Relative to the config. serve refuses to start while it is "" and the
  // comment endpoint is on.
  std::string document_root;
};

struct StoreConfig {
  std::string path = "var/spamgate.db";  // relative to the config file
  int retention_days = 30;               // submission rows (and blocked content) are deleted after this
  int flush_interval_ms = 200;           // how long log rows may wait to be batched
};

struct LearningConfig {
  // LEARNED scores nothing until the site has taught at least this many
  // spam and this many ham (clicks, history import, CLI); above it, the
  // evidence prior (learned_model.h) keeps a model taught little cautious.
  // To turn the learner off, score it 0 in a rule file (`score LEARNED 0`).
  int min_per_class = 5;
  int poll_seconds = 2;  // how often serve looks for labels other processes added to the log
};

enum class DigestPeriod { off, daily, weekly };

struct ReviewConfig {
  // A mail to mail.owners summing up what was blocked (counts by action,
  // top reasons, the held and rejected items), at most one per period.
  DigestPeriod digest = DigestPeriod::off;
  std::string screen_url;         // the "Blocked by spamgate" screen, linked from the digest ("" = named only)
  int digest_check_seconds = 60;  // how often serve looks whether a digest is due
  // The review budget: at most this many rejected or discarded texts per
  // client address and hour are kept (0 = no limit), identical bodies once,
  // and over keep_total_mb of kept text the oldest unreviewed rejects lose
  // theirs first. Held items and decided ones are never dropped.
  int keep_per_client_hour = 20;
  int keep_total_mb = 256;
  // The text of submissions that passed, kept this many days (0 = not at
  // all) so `spamgate rules try` can show what a rule change would have
  // blocked. The same budget bounds it (passed text goes first); the
  // privacy export and erase reach it.
  int keep_passed_days = 7;
};

struct SecretRef {
  std::string file;  // read the secret from this file (first line)
  std::string env;   // or from this environment variable
};

struct MailCapsConfig {
  int per_hour = 10;                // all outgoing mail
  int per_day = 40;
  int per_recipient_hour = 10;
  int per_recipient_day = 40;
  int digest_interval_minutes = 60; // over the hourly cap, one digest per interval
};

// Bounce watch: the mailbox that receives the sending account's bounces.
struct MailBouncesConfig {
  bool enabled = false;
  std::string url;          // imaps://host/INBOX, or imap://host/INBOX (STARTTLS is then required)
  std::string username;     // "" = mail.username
  SecretRef password;       // none = mail.password
  int poll_seconds = 300;   // how often serve reads the mailbox
  std::string move_to;      // folder handled reports are moved to ("" = leave them, read)
  int owner_bounce_limit = 3;  // an owner address whose mail bounced this often in 7 days is reported
};

struct MailConfig {
  bool enabled = false;
  std::string smtp_url;        // smtp://host:587 (STARTTLS required) or smtps://host:465
  std::string username;
  std::string auth = "password";  // "password" (AUTH PLAIN/LOGIN) or "xoauth2"
  SecretRef password;          // password, or the bearer token for xoauth2
  std::string ca_file;         // extra CA bundle for a private CA; "" = system store
  bool verify_peer = true;     // certificate verification; never turn off in production
  int connect_timeout_seconds = 10;
  int timeout_seconds = 60;
  std::string from_address;    // the authenticated account
  std::string from_name = "spamgate";
  std::vector<std::string> owners;              // the default recipients
  std::vector<std::string> allowed_recipients;  // extra addresses notify may choose
  std::string site_domain;     // right-hand side of Message-ID; defaults to from's domain
  MailCapsConfig caps;
  int max_attempts = 12;       // temporary failures before a message counts as failed
  int backoff_initial_seconds = 30;
  int backoff_max_seconds = 3600;
  // Sent (and folded) messages, a contact message's full text included, are
  // deleted this many days after they were queued; serve purges them hourly.
  int keep_sent_days = 30;
  MailBouncesConfig bounces;
};

// State shared by several web nodes, in Redis. Unset redis: each node keeps
// everything in its own SQLite file, as on one machine.
struct SharedConfig {
  // "" = off; "redis://[:password@]host:port[/db]" or "unix:/path/redis.sock[?db=N]".
  std::string redis;
  SecretRef password;        // Redis AUTH, when the URL carries none
  int timeout_ms = 10;       // per Redis read; a request waits at most twice this, then uses local state
  // Per command of the review mirror (the site's review list, get, decide,
  // and the log writer's batches), on a link of its own: a slow or
  // failed review call never marks Redis down for requests.
  int review_timeout_ms = 500;
  std::string node;          // this node's name ("" = hostname:listen)
  std::string key_prefix = "spamgate:";  // lets several sites share one Redis
  int snapshot_every = 500;  // the leader snapshots the learning stream and trims it past this many events
  // A submission the other rules already reject does not wait for RATE_IP's
  // and DUPLICATE's answer (it cannot change the action): its writes go to
  // Redis in the next batch, and the two checks fire on this node's own
  // view. false: every submission waits for the site's answer.
  bool defer_decided = true;
};

struct Config {
  std::string source_path;  // the file this was loaded from ("" for defaults)
  std::string base_dir;     // directory relative paths are resolved against
  ServerConfig server;
  LimitsConfig limits;
  EndpointsConfig endpoints;
  FormsConfig forms;
  RulesConfig rules;
  ActionsConfig actions;
  ChecksConfig checks;
  UpstreamConfig upstream;
  StoreConfig store;
  LearningConfig learning;
  ReviewConfig review;
  MailConfig mail;
  SharedConfig shared;
  SecretRef shared_secret;  // authenticates the WordPress plugin and signs form tokens

  // `path` made absolute against base_dir (unchanged when already absolute).
  std::string resolve(const std::string& path) const;
};

// Loads and validates a TOML config file. On failure the error is
// "file:line: message" (or "file: message" when no line applies).
Result<Config> load_config(const std::string& path);

// Reads a secret named by `ref`: the first line of the file, or the
// environment variable. Errors name the file or variable, never the value.
Result<std::string> read_secret(const SecretRef& ref, const Config& config);

}  // namespace spamgate
