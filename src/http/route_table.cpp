#include "http/route_table.h"

#include <algorithm>

#include "util/ascii.h"
#include "util/text_decode.h"

namespace spamgate {
namespace {

// The preset's own field names and hidden fields; the config's names go first.
FieldMap with_config_names(FieldMap preset, const FormFieldNames* configured) {
  if (!configured) return preset;
  auto prepend = [](std::vector<std::string>& names, const std::vector<std::string>& first) {
    names.insert(names.begin(), first.begin(), first.end());
  };
  prepend(preset.author, configured->author);
  prepend(preset.email, configured->email);
  prepend(preset.url, configured->url);
  prepend(preset.subject, configured->subject);
  prepend(preset.body, configured->body);
  return preset;
}

constexpr std::string_view kCf7Spam = "There was an error trying to send your message. Please try again later.";
constexpr std::string_view kCf7Sent = "Thank you for your message. It has been sent.";

// The preset rows (issue 22), each from the plugin's documented request and
// answer shapes. `preset` is the kFormPresetNames entry that turns it off.
struct PresetRow {
  const char* preset;
  Route route;
};

std::vector<PresetRow> preset_rows() {
  const MetaFields cf7_meta = {"_wpcf7*"};
  FormSpec cf7{.name = "cf7",
      .fields = {.author = {"your-name"}, .email = {"your-email"}, .url = {}, .subject = {"your-subject"},
                          .body = {"your-message"}},
               .meta = cf7_meta,
               .id_field = "_wpcf7",
               .container_field = "_wpcf7_container_post",
               .block = BlockFormat::cf7_json,
               .block_message = std::string(kCf7Spam),
               .block_class = "wpcf7-response-output",
               .success_message = std::string(kCf7Sent)};
  FormSpec cf7_page = cf7;
  cf7_page.block = BlockFormat::html_page;

  FormSpec wpforms{.name = "wpforms",
      .fields = {.author = {"wpforms[fields][0]", "wpforms[fields][0][first]"}},
                   .meta = {"wpforms[id]", "wpforms[author]", "wpforms[post_id]", "wpforms[token]", "wpforms[nonce]",
                            "wpforms[submit]", "wpforms[hp]", "page_url", "page_title", "page_id", "url_referer",
                            "action", "start_timestamp", "end_timestamp"},
                   .id_field = "wpforms[id]",
                   .container_field = "page_id",
                   .block = BlockFormat::wpforms_json,
                   .block_message = "Form has not been submitted, please see the errors below.",
                   .block_class = "wpforms-error-container",
                   .success_message = "Thanks for contacting us! We will be in touch with you shortly."};
  FormSpec wpforms_page = wpforms;
  wpforms_page.block = BlockFormat::html_page;

  FormSpec gravity{.name = "gravity",
      .fields = {},
                   .meta = {"gform_*", "is_submit_*", "state_*", "gform_ajax", "version_hash", "honeypot_*"},
                   .id_field = "gform_submit",
                   .container_field = "",
                   .block = BlockFormat::html_page,
                   .block_message = "There was a problem with your submission. Please review the fields below.",
                   .block_class = "gform_validation_errors",
                   .success_message = ""};

  FormSpec elementor{.name = "elementor",
      .fields = {},
                     .meta = {"action", "form_id", "post_id", "queried_id", "referer_title", "referrer", "nonce"},
                     .id_field = "form_id",
                     .container_field = "post_id",
                     .block = BlockFormat::elementor_json,
                     .block_message = "An error occurred.",
                     .block_class = "elementor-message-danger",
                     .success_message = "Your submission was successful."};

  FormSpec wp_register{.name = "wp_register",
      .fields = {.author = {"user_login"}, .email = {"user_email"}},
                       .meta = {"redirect_to", "wp-submit", "pass1", "pass2", "user_pass"},
                       .id_field = "",
                       .container_field = "",
                       .block = BlockFormat::login_page,
                       .block_message = "Registration was refused. Please contact the site's owner.",
                       .block_class = "login_error",
                       .success_message = ""};

  FormSpec woo_register{.name = "woo_register",
      .fields = {.author = {"username"}, .email = {"email"}},
                        .meta = {"woocommerce-register-nonce", "register", "password"},
                        .id_field = "",
                        .container_field = "",
                        .block = BlockFormat::html_page,
                        .block_message = "Registration was refused. Please contact the site's owner.",
                        .block_class = "woocommerce-error",
                        .success_message = ""};

  auto row = [](const char* preset, std::string label, std::string path, std::string query, std::string field,
                std::string script, FormSpec spec) {
    Route route;
    route.label = std::move(label);
    route.kind = RouteKind::form;
    route.metric = EndpointKind::form;
    route.path = std::move(path);
    route.method = "POST";
    route.query = std::move(query);
    route.field = std::move(field);
    route.script = std::move(script);
    route.form = std::move(spec);
    return PresetRow{preset, std::move(route)};
  };
  const std::string ajax = "/wp-admin/admin-ajax.php";
  return {
      row("cf7", "cf7", "/wp-json/contact-form-7/v1/contact-forms/*/feedback", "", "", "/index.php", cf7),
      row("wpforms", "wpforms", ajax, "", "action=wpforms_submit", ajax, wpforms),
      row("elementor", "elementor", ajax, "", "action=elementor_pro_forms_send_form", ajax, elementor),
      row("wp_register", "wp_register", "/wp-login.php", "action=register", "", "/wp-login.php", wp_register),
      // The no-JavaScript posts go to the page itself (WordPress's front controller).
      row("cf7", "cf7_nojs", "", "", "_wpcf7", "/index.php", cf7_page),
      row("wpforms", "wpforms_nojs", "", "", "wpforms[id]", "/index.php", wpforms_page),
      row("gravity", "gravity", "", "", "gform_submit", "/index.php", gravity),
      row("woo_register", "woo_register", "", "", "woocommerce-register-nonce", "/index.php", woo_register),
  };
}

Route own_route(std::string label, RouteKind kind, EndpointKind metric, const std::string& path, SecretRule secret,
                bool subtree = false) {
  Route route;
  route.label = std::move(label);
  route.kind = kind;
  route.metric = metric;
  route.path = path;
  route.subtree = subtree;
  route.secret = secret;
  return route;
}

Route custom_route(const CustomFormConfig& custom) {
  Route route;
  route.label = custom.name;
  route.kind = RouteKind::form;
  route.metric = EndpointKind::form;
  route.path = custom.path;
  route.method = "POST";
  route.field = custom.field;
  route.script = custom.script.empty() ? custom.path : custom.script;
  route.form = FormSpec{.name = custom.name,
                        .fields = custom.fields,
                        .meta = {},
                        .id_field = "",
                        .container_field = "",
                        .block = BlockFormat::html_page,
                        .block_message = custom.block_message,
                        .block_class = "spamgate-form-error",
                        .success_message = ""};
  return route;
}

Route passthrough(const std::string& path, const std::string& script) {
  Route route;
  route.label = "passthrough";
  route.kind = RouteKind::passthrough;
  route.metric = EndpointKind::passthrough;
  route.path = path;
  route.script = script;
  return route;
}

bool is_front_controller(std::string_view path) { return path == "/" || path == "/index.php"; }

// "name" or "name=value" split at the first '='.
std::pair<std::string_view, std::optional<std::string_view>> split_field(std::string_view field) {
  const size_t eq = field.find('=');
  if (eq == std::string_view::npos) return {field, std::nullopt};
  return {field.substr(0, eq), field.substr(eq + 1)};
}

bool path_part_matches(const Route& route, const HttpRequest& request, std::string* captured) {
  if (route.path.empty()) return true;
  if (route.path.find('*') == std::string::npos) {
    if (request.path == route.path) return true;
    return route.subtree && request.path.size() > route.path.size() &&
           request.path.compare(0, route.path.size(), route.path) == 0 && request.path[route.path.size()] == '/';
  }
  if (path_matches(route.path, request.path, captured)) return true;
  if (!is_front_controller(request.path)) return false;
  // WordPress's pretty permalinks: the web server rewrote the path to its
  // front controller (try_files ... /index.php), the request URI keeps it.
  if (path_matches(route.path, path_of(request.param("REQUEST_URI")), captured)) return true;
  constexpr std::string_view kRestPrefix = "/wp-json";
  if (route.path.compare(0, kRestPrefix.size(), kRestPrefix) != 0) return false;
  const std::optional<std::string> rest_route = query_value(request.param("QUERY_STRING"), "rest_route");
  return rest_route && path_matches(std::string_view(route.path).substr(kRestPrefix.size()), *rest_route, captured);
}

// The needle a body must contain to possibly hold field `name` (as PHP
// decodes names): its longest run of letters, digits and '-', which no
// browser encodes. Leading spaces, '.', ' ' and '_' are PHP's to rewrite.
std::string body_needle(std::string_view name) {
  std::string_view best;
  size_t start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    const bool keep = i < name.size() && (std::isalnum(static_cast<unsigned char>(name[i])) || name[i] == '-');
    if (keep) continue;
    if (i - start > best.size()) best = name.substr(start, i - start);
    start = i + 1;
  }
  return std::string(best);
}

bool field_matches(const Route& route, const HttpRequest& request, LazyForm& form) {
  if (route.field.empty()) return true;
  const auto [name, value] = split_field(route.field);
  // As PHP's $_REQUEST: the query first, then the body.
  if (const std::optional<std::string> in_query = query_value(request.param("QUERY_STRING"), name))
    if (!value || *in_query == *value) return true;
  if (request.method != "POST" || form.surely_lacks(name)) return false;
  const FormResult& decoded = form.decoded();
  // A body PHP would not decode into $_POST (JSON, say) holds no form; a
  // malformed form body that may hold the field is the form's, and is
  // refused there rather than passed on unscored.
  if (!decoded.ok()) return decoded.error.http_status != 415;
  for (auto it = decoded.fields.rbegin(); it != decoded.fields.rend(); ++it)
    if (php_field_name(it->first) == name) return !value || it->second == *value;
  return false;
}

}  // namespace

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
  std::optional<std::string> found;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(pos, end - pos);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      // As PHP's urldecode: '+' is a space, a malformed %-escape stays as it is.
      std::string raw(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
      std::replace(raw.begin(), raw.end(), '+', ' ');
      found = percent_decode_once(raw);  // the last one wins, as in PHP
    }
    pos = end + 1;
  }
  return found;
}

bool path_matches(std::string_view pattern, std::string_view path, std::string* captured) {
  bool captured_once = false;
  size_t p = 0, q = 0;
  while (p < pattern.size()) {
    if (pattern[p] == '*') {
      const size_t end = std::min(path.find('/', q), path.size());
      if (end == q) return false;
      if (captured && !captured_once) *captured = std::string(path.substr(q, end - q));
      captured_once = true;
      q = end;
      ++p;
      continue;
    }
    if (q >= path.size() || path[q] != pattern[p]) return false;
    ++p;
    ++q;
  }
  return q == path.size();
}

std::string path_capture(const Route& route, const HttpRequest& request) {
  std::string captured;
  if (route.path.find('*') != std::string::npos) path_part_matches(route, request, &captured);
  return captured;
}

std::string php_field_name(std::string_view name) {
  name.remove_prefix(std::min(name.find_first_not_of(' '), name.size()));
  std::string out(name);
  const size_t bracket = out.find('[');
  for (size_t i = 0; i < std::min(bracket, out.size()); ++i)
    if (out[i] == ' ' || out[i] == '.') out[i] = '_';
  return out;
}

bool LazyForm::surely_lacks(std::string_view name) const {
  if (decoded_) return false;
  const std::string needle = body_needle(name);
  if (request_.body.find(needle) != std::string::npos) return false;
  // An urlencoded name may hide any byte behind %XX; multipart names are raw.
  const bool multipart = ascii_istarts_with(request_.content_type, "multipart/");
  return multipart || request_.body.find('%') == std::string::npos;
}

FormResult& LazyForm::decoded() {
  if (!decoded_) {
    if (request_.body_too_large) {
      decoded_ = FormResult{};
      decoded_->error = {413, "the request body is larger than " + std::to_string(limits_.max_body_bytes) + " bytes"};
    } else {
      decoded_ = decode_form(request_.content_type, request_.body, limits_);
    }
  }
  return *decoded_;
}

RouteTable::RouteTable(const Config& config) {
  const EndpointsConfig& e = config.endpoints;
  auto own = [&](std::string label, RouteKind kind, EndpointKind metric, const std::string& path, SecretRule secret,
                 bool subtree = false) {
    if (!path.empty()) routes_.push_back(own_route(std::move(label), kind, metric, path, secret, subtree));
  };
  own("comment", RouteKind::comment, EndpointKind::comment, e.comment, SecretRule::none);
  if (!e.comment.empty()) routes_.back().script = e.comment;
  own("contact", RouteKind::contact, EndpointKind::contact, e.contact, SecretRule::none);
  own("check", RouteKind::check, EndpointKind::check, e.check, SecretRule::when_configured);
  own("token", RouteKind::token, EndpointKind::token, e.token, SecretRule::none);
  own("notify", RouteKind::notify, EndpointKind::notify, e.notify, SecretRule::required);
  own("feedback", RouteKind::feedback, EndpointKind::feedback, e.feedback, SecretRule::required);
  own("stats", RouteKind::stats, EndpointKind::stats, e.stats, SecretRule::required);
  own("train", RouteKind::train, EndpointKind::train, e.train, SecretRule::required);
  own("model", RouteKind::model, EndpointKind::model, e.model, SecretRule::required);
  own("submissions", RouteKind::submissions, EndpointKind::submissions, e.submissions, SecretRule::required, true);
  own("personal_data", RouteKind::personal_data, EndpointKind::personal_data, e.personal_data, SecretRule::required,
      true);
  own("rules_try", RouteKind::rules_try, EndpointKind::rules_try, e.rules_try, SecretRule::required);
  own("health", RouteKind::health, EndpointKind::health, e.health, SecretRule::none);
  own("metrics", RouteKind::metrics, EndpointKind::metrics, e.metrics, SecretRule::none);

  // An unknown path under spamgate's own API is a mistake, not WordPress's.
  own("not_found", RouteKind::not_found, EndpointKind::other, "/spamgate", SecretRule::none, true);

  if (config.forms.enabled) {
    for (const CustomFormConfig& custom : config.forms.custom) routes_.push_back(custom_route(custom));
    for (PresetRow& row : preset_rows()) {
      const FormPresetConfig* configured = config.forms.preset(row.preset);
      if (configured && !configured->enabled) continue;
      row.route.form->fields = with_config_names(std::move(row.route.form->fields),
                                                 configured ? &configured->fields : nullptr);
      routes_.push_back(std::move(row.route));
    }
  }
  routes_.push_back(passthrough("/wp-admin/admin-ajax.php", "/wp-admin/admin-ajax.php"));
  routes_.push_back(passthrough("/wp-login.php", "/wp-login.php"));
  // Anything else the web server sends is WordPress's front controller's
  // (pretty permalinks: a page's own URL): forwarded untouched.
  routes_.push_back(passthrough("", "/index.php"));
}

const Route* RouteTable::match(const HttpRequest& request, LazyForm& form) const {
  for (const Route& route : routes_) {
    if (!route.method.empty() && request.method != route.method) continue;
    if (!path_part_matches(route, request, nullptr)) continue;
    if (!route.query.empty()) {
      const auto [name, value] = split_field(route.query);
      const std::optional<std::string> found = query_value(request.param("QUERY_STRING"), name);
      if (!found || (value && *found != *value)) continue;
    }
    if (!field_matches(route, request, form)) continue;
    return &route;
  }
  return nullptr;
}

}  // namespace spamgate
