// Loads spamgate.toml into Config: one section at a time, every key typed
// and bounded, unknown keys refused, all errors reported together.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config.h"
#include "config/toml_depth.h"
#include "config/toml_reader.h"
#include "util/utf8.h"

namespace spamgate {
namespace {

using Section = void (*)(TomlReader&, Config&);

void read_server(TomlReader& in, Config& c) {
  in.read("listen", c.server.listen);
  in.read("threads", c.server.threads, 1, 1024);
  in.read("cpu_threads", c.server.cpu_threads, 0, 1024);
  in.read("listen_backlog", c.server.listen_backlog, 1, 65535);
  in.read("socket_mode", c.server.socket_mode);
  if (c.server.socket_mode.size() != 4 || c.server.socket_mode.find_first_not_of("01234567") != std::string::npos)
    in.error_at("socket_mode", "must be four octal digits, e.g. \"0660\"");
}

void read_limits(TomlReader& in, Config& c) {
  in.read("max_body_bytes", c.limits.max_body_bytes, 1024, int64_t{1} << 30);
  in.read("max_fields", c.limits.max_fields, 1, 100000);
  in.read("max_field_bytes", c.limits.max_field_bytes, 64, int64_t{1} << 30);
}

void read_endpoints(TomlReader& in, Config& c) {
  auto& e = c.endpoints;
  for (auto [key, field] : {std::pair{"comment", &e.comment}, {"contact", &e.contact}, {"check", &e.check},
                            {"health", &e.health}, {"metrics", &e.metrics}, {"notify", &e.notify},
                            {"feedback", &e.feedback}, {"stats", &e.stats},
                            {"train", &e.train}, {"model", &e.model}, {"submissions", &e.submissions},
                            {"personal_data", &e.personal_data}, {"token", &e.token},
                            {"rules_try", &e.rules_try}}) {
    in.read(key, *field);
    if (!field->empty() && field->front() != '/') in.error_at(key, "must start with '/' (or be \"\" to turn it off)");
  }
}

void read_rules(TomlReader& in, Config& c) {
  in.read("files", c.rules.files);
  in.read("reload_check_seconds", c.rules.reload_check_seconds, 0, 86400);
  if (c.rules.files.empty()) in.error_at("files", "needs at least one rule file");
}

void read_actions(TomlReader& in, Config& c) {
  std::string on_reject = c.actions.on_reject == RejectMode::reject ? "reject" : "discard";
  in.read("on_reject", on_reject);
  if (on_reject == "reject") c.actions.on_reject = RejectMode::reject;
  else if (on_reject == "discard") c.actions.on_reject = RejectMode::discard;
  else in.error_at("on_reject", "must be \"reject\" or \"discard\"");
  in.read("contact_success_redirect", c.actions.contact_success_redirect);
}

void read_checks(TomlReader& in, Config& c) {
  auto& k = c.checks;
  in.read("honeypot_field", k.honeypot_field);
  in.read("token_field", k.token_field);
  in.read("require_token", k.require_token);
  in.read("min_seconds", k.min_seconds, 0, 3600);
  in.read("max_token_age_seconds", k.max_token_age_seconds, 60, 365 * 86400);
  in.read("duplicate_window_seconds", k.duplicate_window_seconds, 0, 30 * 86400);
  in.read("rate_per_minute", k.rate_per_minute, 0.001, 1e6);
  in.read("rate_burst", k.rate_burst, 1, 1e6);
  in.read("fuzzy_similarity", k.fuzzy_similarity, 0.05, 1);
  in.read("fuzzy_memory", k.fuzzy_memory, 0, 1000000);
  in.read("fuzzy_from_rejects", k.fuzzy_from_rejects);
}

void read_upstream(TomlReader& in, Config& c) {
  in.read("address", c.upstream.address);
  in.read("connect_timeout_ms", c.upstream.connect_timeout_ms, 1, 600000);
  in.read("response_timeout_ms", c.upstream.response_timeout_ms, 1, 3600000);
  in.read("keepalive_connections", c.upstream.keepalive_connections, 0, 4096);
  in.read("document_root", c.upstream.document_root);
}

void read_store(TomlReader& in, Config& c) {
  in.read("path", c.store.path);
  in.read("retention_days", c.store.retention_days, 1, 3650);
  in.read("flush_interval_ms", c.store.flush_interval_ms, 1, 60000);
}

void read_learning(TomlReader& in, Config& c) {
  in.read("min_per_class", c.learning.min_per_class, 1, 1000000);
  in.read("poll_seconds", c.learning.poll_seconds, 1, 3600);
}

void read_review(TomlReader& in, Config& c) {
  const char* names[] = {"off", "daily", "weekly"};
  std::string digest = names[static_cast<int>(c.review.digest)];
  in.read("digest", digest);
  if (digest == "off") c.review.digest = DigestPeriod::off;
  else if (digest == "daily") c.review.digest = DigestPeriod::daily;
  else if (digest == "weekly") c.review.digest = DigestPeriod::weekly;
  else in.error_at("digest", "must be \"off\", \"daily\" or \"weekly\"");
  in.read("screen_url", c.review.screen_url);
  in.read("digest_check_seconds", c.review.digest_check_seconds, 1, 86400);
  in.read("keep_per_client_hour", c.review.keep_per_client_hour, 0, 1000000);
  in.read("keep_total_mb", c.review.keep_total_mb, 1, 1 << 20);
  in.read("keep_passed_days", c.review.keep_passed_days, 0, 366);
}

void read_field_names(TomlReader& in, FormFieldNames& names) {
  for (auto [key, list] : {std::pair{"author", &names.author}, {"email", &names.email}, {"url", &names.url},
                           {"subject", &names.subject}, {"body", &names.body}}) {
    in.read(key, *list);
    for (const std::string& name : *list)
      if (name.empty()) in.error_at(key, "a field name must not be empty");
  }
}

bool is_label(const std::string& text) {
  return !text.empty() && text.size() <= 40 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

void read_custom_form(TomlReader& in, CustomFormConfig& form) {
  in.read("name", form.name);
  in.read("path", form.path);
  in.read("field", form.field);
  in.read("script", form.script);
  in.read("block_message", form.block_message);
  read_field_names(in, form.fields);
  if (!is_label(form.name)) in.error_at("name", "needs a name of letters, digits, '_' and '-' (at most 40)");
  else if (std::any_of(std::begin(kFormPresetNames), std::end(kFormPresetNames),
                       [&](const char* preset) { return form.name == preset; }))
    in.error_at("name", "\"" + form.name + "\" is a preset's name: configure it in [forms." + form.name + "]");
  if (form.path.empty() || form.path.front() != '/') in.error_at("path", "must start with '/'");
  else if (form.path.find('*') != std::string::npos && form.script.empty())
    in.error_at("script", "is needed when the path has a '*' (which PHP script gets a passed submission?)");
  if (!form.script.empty() && (form.script.front() != '/' || form.script.find("..") != std::string::npos))
    in.error_at("script", "must start with '/' and hold no \"..\"");
}

void read_forms(TomlReader& in, Config& c, std::vector<std::string>* errors, const std::string& file) {
  in.read("enabled", c.forms.enabled);
  for (const char* name : kFormPresetNames) {
    const toml::value* table = in.table(name);
    if (!table) continue;
    FormPresetConfig preset;
    preset.name = name;
    TomlReader preset_in(*table, std::string("forms.") + name, file, errors);
    preset_in.read("enabled", preset.enabled);
    read_field_names(preset_in, preset.fields);
    preset_in.reject_unknown_keys();
    c.forms.presets.push_back(std::move(preset));
  }
  for (const toml::value* table : in.tables("custom")) {
    CustomFormConfig form;
    TomlReader form_in(*table, "forms.custom", file, errors);
    read_custom_form(form_in, form);
    form_in.reject_unknown_keys();
    for (const CustomFormConfig& earlier : c.forms.custom)
      if (earlier.name == form.name) form_in.error_at("name", "\"" + form.name + "\" names two custom forms");
    c.forms.custom.push_back(std::move(form));
  }
}

void read_secret_ref(TomlReader& parent, const std::string& key, SecretRef& out, std::vector<std::string>* errors,
                     const std::string& file, const std::string& parent_name) {
  const toml::value* table = parent.table(key);
  if (!table) return;
  TomlReader in(*table, parent_name.empty() ? key : parent_name + "." + key, file, errors);
  in.read("file", out.file);
  in.read("env", out.env);
  if (out.file.empty() == out.env.empty())
    parent.error_at(key, "give exactly one of file = \"...\" or env = \"...\" (never the secret itself)");
  in.reject_unknown_keys();
}

void read_caps(TomlReader& in, Config& c) {
  auto& caps = c.mail.caps;
  in.read("per_hour", caps.per_hour, 0, 100000);
  in.read("per_day", caps.per_day, 0, 1000000);
  in.read("per_recipient_hour", caps.per_recipient_hour, 0, 100000);
  in.read("per_recipient_day", caps.per_recipient_day, 0, 1000000);
  in.read("digest_interval_minutes", caps.digest_interval_minutes, 1, 1440);
}

// True when a URL carries user information ("imaps://user:pass@host/"):
// such a URL ends up in logs and error messages, password and all.
bool url_has_credentials(const std::string& url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  const size_t authority = scheme_end + 3;
  const size_t authority_end = url.find_first_of("/?#", authority);
  return url.find('@', authority) < std::min(authority_end, url.size());
}

constexpr const char* kNoCredentialsInUrl =
    "must not hold a user name or password (they would be logged): use the username and password = { file = "
    "\"...\" } keys";

void read_bounces(TomlReader& in, Config& c, std::vector<std::string>* errors, const std::string& file) {
  auto& b = c.mail.bounces;
  in.read("enabled", b.enabled);
  in.read("url", b.url);
  in.read("username", b.username);
  read_secret_ref(in, "password", b.password, errors, file, "mail.bounces");
  in.read("poll_seconds", b.poll_seconds, 1, 86400);
  in.read("move_to", b.move_to);
  in.read("owner_bounce_limit", b.owner_bounce_limit, 1, 1000);
  if (b.enabled && b.url.rfind("imaps://", 0) != 0 && b.url.rfind("imap://", 0) != 0)
    in.error_at("url", "must start with imaps:// or imap:// (STARTTLS is then required)");
  if (url_has_credentials(b.url))
    in.error_at("url", kNoCredentialsInUrl);
  if (b.move_to.find_first_of("\r\n\"") != std::string::npos) in.error_at("move_to", "must be a plain folder name");
}

void read_mail(TomlReader& in, Config& c, std::vector<std::string>* errors, const std::string& file) {
  auto& m = c.mail;
  in.read("enabled", m.enabled);
  in.read("smtp_url", m.smtp_url);
  in.read("username", m.username);
  in.read("auth", m.auth);
  read_secret_ref(in, "password", m.password, errors, file, "mail");
  in.read("ca_file", m.ca_file);
  in.read("verify_peer", m.verify_peer);
  in.read("connect_timeout_seconds", m.connect_timeout_seconds, 1, 600);
  in.read("timeout_seconds", m.timeout_seconds, 1, 3600);
  in.read("from_address", m.from_address);
  in.read("from_name", m.from_name);
  in.read("owners", m.owners);
  in.read("allowed_recipients", m.allowed_recipients);
  in.read("site_domain", m.site_domain);
  in.read("max_attempts", m.max_attempts, 1, 1000);
  in.read("backoff_initial_seconds", m.backoff_initial_seconds, 1, 86400);
  in.read("backoff_max_seconds", m.backoff_max_seconds, 1, 7 * 86400);
  in.read("keep_sent_days", m.keep_sent_days, 1, 3650);
  if (const toml::value* bounces = in.table("bounces")) {
    TomlReader bounces_in(*bounces, "mail.bounces", file, errors);
    read_bounces(bounces_in, c, errors, file);
    bounces_in.reject_unknown_keys();
  }
  if (const toml::value* caps = in.table("caps")) {
    TomlReader caps_in(*caps, "mail.caps", file, errors);
    read_caps(caps_in, c);
    caps_in.reject_unknown_keys();
  }
  if (m.auth != "password" && m.auth != "xoauth2") in.error_at("auth", "must be \"password\" or \"xoauth2\"");
  if (url_has_credentials(m.smtp_url))
    in.error_at("smtp_url", kNoCredentialsInUrl);
  if (!m.enabled) return;
  if (m.smtp_url.rfind("smtp://", 0) != 0 && m.smtp_url.rfind("smtps://", 0) != 0)
    in.error_at("smtp_url", "must start with smtp:// (STARTTLS is then required) or smtps://");
  if (m.from_address.empty()) in.error_at("from_address", "is required when mail is enabled");
  if (m.owners.empty()) in.error_at("owners", "needs at least one owner address when mail is enabled");
  if (m.password.file.empty() && m.password.env.empty())
    in.error_at("password", "is required when mail is enabled: password = { file = \"...\" } or { env = \"...\" }");
}

void read_shared(TomlReader& in, Config& c, std::vector<std::string>* errors, const std::string& file) {
  auto& s = c.shared;
  in.read("redis", s.redis);
  read_secret_ref(in, "password", s.password, errors, file, "shared");
  in.read("timeout_ms", s.timeout_ms, 1, 10000);
  in.read("review_timeout_ms", s.review_timeout_ms, 1, 60000);
  in.read("node", s.node);
  in.read("key_prefix", s.key_prefix);
  in.read("snapshot_every", s.snapshot_every, 10, 10000000);
  in.read("defer_decided", s.defer_decided);
  if (s.redis.rfind("rediss://", 0) == 0)
    in.error_at("redis", "rediss:// (TLS) needs hiredis 1.0; Debian 12 ships 0.14: use a private network, a unix "
                         "socket or stunnel");
  else if (!s.redis.empty() && s.redis.rfind("redis://", 0) != 0 && s.redis.rfind("unix:", 0) != 0)
    in.error_at("redis", "must start with redis:// or unix: (or be \"\" for one machine)");
  if (s.node.find_first_of(" \r\n\"") != std::string::npos) in.error_at("node", "must be one word");
}

struct SectionEntry {
  const char* name;
  Section read;
};

constexpr SectionEntry kSections[] = {
    {"server", read_server},   {"limits", read_limits}, {"endpoints", read_endpoints}, {"rules", read_rules},
    {"actions", read_actions}, {"checks", read_checks}, {"upstream", read_upstream},   {"store", read_store},
    {"learning", read_learning}, {"review", read_review},
};

std::string first_line_of(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.rfind("[error] ", 0) == 0) line.erase(0, 8);
  return line;
}

}  // namespace

std::string Config::resolve(const std::string& path) const {
  if (path.empty() || path.front() == '/' || base_dir.empty()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

Result<Config> load_config(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error{path + ": cannot open config file"};
  std::ostringstream text;
  text << file.rdbuf();
  const std::string content = text.str();
  // toml11 3.7 reads out of bounds when it reports invalid UTF-8 in a literal
  // string (found by fuzz_config), so it only ever sees well-formed UTF-8.
  if (size_t bad = first_invalid_utf8(content); bad < content.size())
    return Error{path + ":" + std::to_string(1 + std::count(content.begin(), content.begin() + bad, '\n')) +
                 ": not valid UTF-8 (a TOML file must be UTF-8 text)"};
  if (std::optional<size_t> line = toml_too_deep_line(content))
    return Error{path + ":" + std::to_string(*line) + ": arrays and inline tables nest deeper than " +
                 std::to_string(kMaxTomlNesting) + " levels"};
  toml::value root;
  try {
    std::istringstream parsed_text(content);
    root = toml::parse(parsed_text, path);
  } catch (const toml::exception& e) {
    return Error{path + ":" + std::to_string(e.location().line()) + ": " + first_line_of(e.what())};
  } catch (const std::exception& e) {
    return Error{path + ": " + first_line_of(e.what())};
  }

  Config config;
  config.source_path = path;
  std::error_code absolute_error;
  config.base_dir = std::filesystem::absolute(path, absolute_error).parent_path().string();
  if (absolute_error) return Error{path + ": cannot make the path absolute: " + absolute_error.message()};
  std::vector<std::string> errors;
  TomlReader top(root, "", path, &errors);
  for (const auto& section : kSections) {
    if (const toml::value* table = top.table(section.name)) {
      TomlReader in(*table, section.name, path, &errors);
      section.read(in, config);
      in.reject_unknown_keys();
    }
  }
  if (const toml::value* mail = top.table("mail")) {
    TomlReader in(*mail, "mail", path, &errors);
    read_mail(in, config, &errors, path);
    in.reject_unknown_keys();
  }
  if (const toml::value* forms = top.table("forms")) {
    TomlReader in(*forms, "forms", path, &errors);
    read_forms(in, config, &errors, path);
    in.reject_unknown_keys();
  }
  if (const toml::value* shared = top.table("shared")) {
    TomlReader in(*shared, "shared", path, &errors);
    read_shared(in, config, &errors, path);
    in.reject_unknown_keys();
  }
  read_secret_ref(top, "shared_secret", config.shared_secret, &errors, path, "");
  top.reject_unknown_keys();
  if (config.checks.require_token && config.shared_secret.file.empty() && config.shared_secret.env.empty())
    errors.push_back(path + ": checks.require_token needs shared_secret, which signs and verifies the form token");
  if (config.mail.bounces.enabled && !config.mail.enabled)
    errors.push_back(path + ": mail.bounces needs [mail] enabled = true: bounce watch reports through the outbox");
  if (config.review.digest != DigestPeriod::off && !config.mail.enabled)
    errors.push_back(path + ": review.digest needs [mail] enabled = true: the digest is mailed to mail.owners");

  if (errors.empty()) return config;
  std::string message;
  for (const auto& error : errors) message += (message.empty() ? "" : "\n") + error;
  return Error{message};
}

}  // namespace spamgate
