// RouteTable: every request spamgate answers goes through this one table.
// A route is a row of data: how a request is matched (path or path
// pattern, method, a query or body field), what kind of endpoint it is,
// whether it needs the shared secret, its metrics/log label, and for form
// plugins how fields map and how a block is answered. Adding a form is
// adding a row; the gateway's dispatch checks the secret for every row
// that asks, so no endpoint can forget it. Matching never decodes a body
// more than once and never decodes one that cannot hold the field sought.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "form/form_decoder.h"
#include "form/form_fields.h"
#include "http/http_request.h"
#include "http/metrics.h"

namespace spamgate {

enum class RouteKind {
  comment, contact, check, token, notify, feedback, stats, train, model, submissions, personal_data, health,
  metrics, rules_try,
  form,         // a form plugin's submission: scored, then forwarded or answered in the plugin's format
  passthrough,  // a WordPress entry point (index.php, admin-ajax.php, wp-login.php): forwarded unscored
  not_found,    // an unknown path under /spamgate: 404
};

// How a blocked form submission is answered, in the form plugin's format.
enum class BlockFormat {
  cf7_json,        // CF7 REST: 200 {"contact_form_id","status":"spam","message",...}
  wpforms_json,    // WPForms AJAX: 200 {"success":false,"data":{"errors":{"general":{"header":...}}}}
  elementor_json,  // Elementor Pro: 200 {"success":false,"data":{"message":...,"errors":[],"data":[]}}
  login_page,      // wp-login.php: WordPress's login-error page
  html_page,       // a page with the message in the plugin's own element (class below)
};

// Whether a route needs "Authorization: Bearer <shared secret>".
enum class SecretRule {
  none,
  required,         // 401 without it (and when no secret is configured)
  when_configured,  // 401 without it when a secret is configured (POST /spamgate/check)
};

struct FormSpec {
  std::string name;           // the form plugin ("cf7" for both CF7 routes) or custom form: stored, SPAMGATE_FORM
  FieldMap fields;            // the config's names first, then the preset's, then the guess
  MetaFields meta;            // the plugin's own hidden fields: never a role
  std::string id_field;       // the plugin's form id ("_wpcf7"); "" = from the path's '*'
  std::string container_field;  // the page the form is on ("_wpcf7_container_post")
  BlockFormat block = BlockFormat::html_page;
  std::string block_message;  // the plugin's own text for a refused submission
  std::string block_class;    // html_page: the class of the element holding it
  std::string success_message;  // discard: the plugin's own success text
};

struct Route {
  std::string label;         // metrics/log label and the form's name ("comment", "cf7", "cf7_nojs")
  RouteKind kind = RouteKind::passthrough;
  EndpointKind metric = EndpointKind::other;
  // The path: exact, '*' = one path segment, "" = any path. `subtree`: also
  // PATH/anything. A "/wp-json/..." path also matches WordPress's plain
  // permalink form: "/" or "/index.php" with ?rest_route=/...
  std::string path;
  bool subtree = false;
  std::string method;        // "" = any
  std::string query;         // "name=value" the query string must hold ("" = none)
  // "name" or "name=value" the request must carry, in the query or the body
  // (as PHP's $_REQUEST sees it). "" = none.
  std::string field;
  SecretRule secret = SecretRule::none;
  std::string script;        // forwarded to document_root + this ("" = the request's own path)
  std::optional<FormSpec> form;
};

// The request's body decoded at most once, on first use, for every route
// that asks for a field and for the form handler afterwards.
class LazyForm {
 public:
  LazyForm(const HttpRequest& request, const LimitsConfig& limits) : request_(request), limits_(limits) {}
  // True when the body cannot hold a field named `name` (cheap: no decoding).
  bool surely_lacks(std::string_view name) const;
  // The decoded body; a decode error is kept and returned too.
  FormResult& decoded();

 private:
  const HttpRequest& request_;
  const LimitsConfig& limits_;
  std::optional<FormResult> decoded_;
};

class RouteTable {
 public:
  // spamgate's own endpoints from [endpoints], the form presets and custom
  // forms from [forms], then WordPress's entry points, in match order.
  explicit RouteTable(const Config& config);

  // The first route matching `request`. The last row forwards whatever is
  // left (but /spamgate/...) to WordPress's index.php untouched.
  const Route* match(const HttpRequest& request, LazyForm& form) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// The value of query parameter `name` in `query`, percent-decoded, or nullopt.
std::optional<std::string> query_value(std::string_view query, std::string_view name);
// True when `path` matches `pattern` ('*' = one non-empty path segment);
// `captured` gets the text the first '*' matched.
bool path_matches(std::string_view pattern, std::string_view path, std::string* captured = nullptr);
// The text the first '*' of the route's path matched in `request` (CF7's
// form id in .../contact-forms/{id}/feedback), "" when none.
std::string path_capture(const Route& route, const HttpRequest& request);
// A form field name as PHP's $_POST keys it: leading spaces dropped, ' '
// and '.' as '_' (so ".wpcf7" is CF7's "_wpcf7" to PHP).
std::string php_field_name(std::string_view name);

}  // namespace spamgate
