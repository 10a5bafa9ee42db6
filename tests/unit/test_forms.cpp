// Forms as routes (issue 22): the route table (every endpoint, old and new,
// matched by path, query and field, and the shared secret checked by the
// table), the field mapping and its guesses (English and Japanese), the
// answers in each form plugin's own format, the fresh-token endpoint, the
// [forms] config, and blocked form submissions in the review API.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "config/config.h"
#include "form/form_fields.h"
#include "gateway_site.h"
#include "http/form_answers.h"
#include "http/route_table.h"
#include "scoring/checks/form_token.h"
#include "support/temp_dir.h"

using namespace spamgate;
using testing::Site;

namespace {

constexpr const char* kBoundary = "----sgFormBoundary7MA4YWxkTrZu0gW";
const std::string kMultipart = std::string("multipart/form-data; boundary=") + kBoundary;

// A multipart/form-data body as a browser's FormData sends it.
std::string multipart(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& [name, value] : fields)
    body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
            value + "\r\n";
  return body + "--" + kBoundary + "--\r\n";
}

// The default CF7 form's fields, as its script posts them.
std::vector<std::pair<std::string, std::string>> cf7_fields(const std::string& message,
                                                            const std::string& email = "ann@example.org",
                                                            const std::string& subject = "Hello") {
  return {{"_wpcf7", "42"},          {"_wpcf7_version", "5.7.7"},     {"_wpcf7_locale", "ja"},
          {"_wpcf7_unit_tag", "wpcf7-f42-p7-o1"}, {"_wpcf7_container_post", "7"}, {"your-name", "Ann"},
          {"your-email", email},     {"your-subject", subject},       {"your-message", message}};
}

// The label of the route `uri` matches, "" for none.
std::string route_of(const RouteTable& table, const HttpRequest& r) {
  static const LimitsConfig limits;  // LazyForm keeps a reference
  LazyForm form(r, limits);
  const Route* route = table.match(r, form);
  return route ? route->label : "";
}

std::string route_of(const RouteTable& table, const std::string& method, const std::string& uri,
                     const std::string& body = "", const std::string& content_type = "application/x-www-form-urlencoded") {
  return route_of(table, testing::http_request(method, uri, body, content_type));
}

Submission mapped(FormFields fields, const FieldMap& map = {}, const MetaFields& meta = {"_wpcf7*"}) {
  Submission s;
  s.raw_form = std::move(fields);
  map_form_fields(s, map, meta, {"sg_token", "sg_website"});
  return s;
}

}  // namespace

TEST_CASE("every endpoint spamgate had is still routed, with the shared secret where it was required") {
  const Config config;
  const RouteTable table(config);
  const std::vector<std::pair<std::string, SecretRule>> own = {
      {"comment", SecretRule::none},         {"contact", SecretRule::none},  {"check", SecretRule::when_configured},
      {"notify", SecretRule::required},      {"feedback", SecretRule::required}, {"stats", SecretRule::required},
      {"train", SecretRule::required},       {"model", SecretRule::required}, {"submissions", SecretRule::required},
      {"personal_data", SecretRule::required}, {"health", SecretRule::none},   {"metrics", SecretRule::none},
      {"token", SecretRule::none}};
  for (const auto& row : own) {
    const auto& label = row.first;  // clang: a structured binding cannot be captured
    const auto& secret = row.second;
    CAPTURE(label);
    auto it = std::find_if(table.routes().begin(), table.routes().end(), [&](const Route& r) { return r.label == label; });
    REQUIRE(it != table.routes().end());
    CHECK(it->secret == secret);
  }
  CHECK(route_of(table, "POST", "/wp-comments-post.php", "comment=hi") == "comment");
  CHECK(route_of(table, "POST", "/contact") == "contact");
  CHECK(route_of(table, "GET", "/spamgate/submissions/0123456789abcdef") == "submissions");
  CHECK(route_of(table, "POST", "/spamgate/personal-data/erase") == "personal_data");
  CHECK(route_of(table, "GET", "/spamgate/submissionsX") == "not_found");
  CHECK(route_of(table, "GET", "/spamgate/token") == "token");
  CHECK(route_of(table, "GET", "/a-page/") == "passthrough");

  // Through a real gateway: no endpoint behind the secret answers without it.
  Site site;
  for (const char* path : {"/spamgate/notify", "/spamgate/feedback", "/spamgate/stats", "/spamgate/train",
                           "/spamgate/model", "/spamgate/submissions", "/spamgate/personal-data", "/spamgate/check"}) {
    CAPTURE(path);
    CHECK(site.request("POST", path, "{}", "application/json", false).status == 401);
    CHECK(site.request("GET", path, "", "application/json", false).status == 401);
  }
  CHECK(site.request("GET", "/spamgate/health", "", "", false).status == 200);
  CHECK(site.request("GET", "/spamgate/token", "", "", false).status == 200);
}

TEST_CASE("form presets are matched by path, by ?rest_route=, by query and by a field in the body") {
  const Config config;
  const RouteTable table(config);
  const std::string cf7 = multipart(cf7_fields("hello"));
  CHECK(route_of(table, "POST", "/wp-json/contact-form-7/v1/contact-forms/42/feedback", cf7, kMultipart) == "cf7");
  // Not CF7's submission: WordPress's, forwarded unscored.
  CHECK(route_of(table, "GET", "/wp-json/contact-form-7/v1/contact-forms/42/feedback") == "passthrough");
  CHECK(route_of(table, "POST", "/wp-json/contact-form-7/v1/contact-forms//feedback", "", kMultipart) == "passthrough");
  CHECK(route_of(table, "POST", "/wp-json/contact-form-7/v1/contact-forms/42/feedback/schema") == "passthrough");
  CHECK(route_of(table, "POST", "/?rest_route=/contact-form-7/v1/contact-forms/42/feedback", cf7, kMultipart) == "cf7");
  CHECK(route_of(table, "POST", "/index.php?rest_route=%2Fcontact-form-7%2Fv1%2Fcontact-forms%2F42%2Ffeedback", cf7,
                 kMultipart) == "cf7");
  CHECK(route_of(table, "POST", "/index.php", cf7, kMultipart) == "cf7_nojs");
  CHECK(route_of(table, "POST", "/index.php", "_wpcf7=42&your-message=hi") == "cf7_nojs");
  // PHP reads ".wpcf7" and "%5Fwpcf7" as _wpcf7 too: no way around the route.
  CHECK(route_of(table, "POST", "/index.php", ".wpcf7=42&your-message=hi") == "cf7_nojs");
  CHECK(route_of(table, "POST", "/index.php", "%5Fwpcf7=42&your-message=hi") == "cf7_nojs");
  CHECK(route_of(table, "POST", "/wp-admin/admin-ajax.php", "action=wpforms_submit&wpforms%5Bid%5D=9") == "wpforms");
  CHECK(route_of(table, "POST", "/wp-admin/admin-ajax.php?action=wpforms_submit", "wpforms%5Bid%5D=9") == "wpforms");
  CHECK(route_of(table, "POST", "/index.php", "wpforms%5Bid%5D=9&wpforms%5Bfields%5D%5B2%5D=hi") == "wpforms_nojs");
  CHECK(route_of(table, "POST", "/wp-admin/admin-ajax.php", "action=elementor_pro_forms_send_form&form_id=ab12") ==
        "elementor");
  CHECK(route_of(table, "POST", "/wp-admin/admin-ajax.php", "action=heartbeat") == "passthrough");
  CHECK(route_of(table, "POST", "/index.php", "gform_submit=3&input_1=Ann") == "gravity");
  CHECK(route_of(table, "POST", "/wp-login.php?action=register", "user_login=ann&user_email=a%40example.org") ==
        "wp_register");
  CHECK(route_of(table, "POST", "/wp-login.php", "log=ann&pwd=x") == "passthrough");
  CHECK(route_of(table, "POST", "/my-account/", "") == "passthrough");
  // Pretty permalinks: nginx rewrote the path to /index.php, REQUEST_URI keeps it.
  HttpRequest rewritten = testing::http_request("POST", "/index.php", cf7, kMultipart);
  rewritten.params.emplace_back("REQUEST_URI", "/wp-json/contact-form-7/v1/contact-forms/42/feedback");
  CHECK(route_of(table, rewritten) == "cf7");
  CHECK(route_of(table, "POST", "/index.php", "username=ann&email=a%40example.org&woocommerce-register-nonce=n") ==
        "woo_register");
  CHECK(route_of(table, "POST", "/index.php", "s=search+words") == "passthrough");
  CHECK(route_of(table, "POST", "/", "{\"a\":1}", "application/json") == "passthrough");
}

TEST_CASE("a POST that cannot hold a form's field is never decoded to find out") {
  HttpRequest r = testing::http_request("POST", "/index.php", "post_password=x&Submit=Enter");
  const LimitsConfig limits;
  LazyForm form(r, limits);
  CHECK(form.surely_lacks("_wpcf7"));
  CHECK(form.surely_lacks("wpforms[id]"));
  r.body = "_wpcf7=1";
  CHECK_FALSE(form.surely_lacks("_wpcf7"));
  r.body = "x=%41";  // a percent-escape may hide any name in an urlencoded body
  CHECK_FALSE(form.surely_lacks("_wpcf7"));
  r.content_type = kMultipart;  // but not in a multipart one
  CHECK(form.surely_lacks("_wpcf7"));
}

TEST_CASE("[forms] turns a preset off and names a form's own fields; bad values are file:line errors") {
  const testing::TempDir dir("spamgate-forms-config");
  auto path = dir.write("spamgate.toml", R"([forms.cf7]
body = ["ご相談内容"]
email = ["mail-addr"]
[forms.wpforms]
enabled = false
[[forms.custom]]
name = "quote"
path = "/quote-request"
script = "/quote.php"
body = ["details"]
)");
  auto loaded = load_config(path);
  REQUIRE_MESSAGE(loaded.ok(), loaded.error());
  const RouteTable table(*loaded);
  CHECK(route_of(table, "POST", "/wp-admin/admin-ajax.php", "action=wpforms_submit") == "passthrough");
  CHECK(route_of(table, "POST", "/index.php", "wpforms%5Bid%5D=9") == "passthrough");
  CHECK(route_of(table, "POST", "/quote-request", "details=hi") == "quote");
  const Route& cf7 = *std::find_if(table.routes().begin(), table.routes().end(),
                                   [](const Route& r) { return r.label == "cf7"; });
  CHECK(cf7.form->fields.body.front() == "ご相談内容");
  CHECK(cf7.form->fields.body.back() == "your-message");
  CHECK(cf7.form->fields.email.front() == "mail-addr");

  auto bad = dir.write("bad.toml", R"([forms.cf7]
enabled = "yes"
[forms.typeform]
x = 1
[[forms.custom]]
name = "cf7"
path = "quote"
[[forms.custom]]
name = "a b"
path = "/q/*"
)");
  auto refused = load_config(bad);
  REQUIRE_FALSE(refused.ok());
  const std::string& e = refused.error();
  CHECK(e.find(bad + ":2: forms.cf7.enabled: expected true or false") != std::string::npos);
  CHECK(e.find(bad + ":3: unknown setting 'forms.typeform'") != std::string::npos);
  CHECK(e.find("forms.custom.name: \"cf7\" is a preset's name") != std::string::npos);
  CHECK(e.find(bad + ":7: forms.custom.path: must start with '/'") != std::string::npos);
  CHECK(e.find("forms.custom.name: needs a name of letters") != std::string::npos);
  CHECK(e.find("forms.custom.script: is needed when the path has a '*'") != std::string::npos);
}

TEST_CASE("fields are mapped by the form's names first, then guessed by name in English and Japanese") {
  Submission cf7 = mapped(
      {{"_wpcf7", "1"}, {"your-name", "Ann"}, {"your-email", "ann@example.org"}, {"your-subject", "Hi"},
       {"your-message", "Hello there"}},
      {.author = {"your-name"}, .email = {"your-email"}, .url = {}, .subject = {"your-subject"}, .body = {"your-message"}});
  CHECK(cf7.author == "Ann");
  CHECK(cf7.email == "ann@example.org");
  CHECK(cf7.subject == "Hi");
  CHECK(cf7.body == "Hello there");

  // A Japanese owner's own CF7 form: no "your-*" name left.
  Submission ja = mapped({{"_wpcf7", "1"},
                          {"お名前", "山田太郎"},
                          {"メールアドレス", "taro@example.jp"},
                          {"件名", "見積もりのお願い"},
                          {"お問い合わせ内容", "ホームページ制作の見積もりをお願いします。"},
                          {"sg_token", "123.abc"}},
                         {.author = {"your-name"}, .email = {"your-email"}, .url = {}, .subject = {"your-subject"},
                          .body = {"your-message"}});
  CHECK(ja.author == "山田太郎");
  CHECK(ja.email == "taro@example.jp");
  CHECK(ja.subject == "見積もりのお願い");
  CHECK(ja.body == "ホームページ制作の見積もりをお願いします。");

  // Names that say nothing (WPForms, Gravity): the address by its shape,
  // the body as the longest remaining text; meta and token fields never.
  Submission numbered = mapped({{"input_1", "Ann"},
                                {"input_2", "ann@example.org"},
                                {"input_3", "お世話になっております。資料を送ってください。"},
                                {"gform_unique_id", "a-very-long-unique-identifier-string"},
                                {"sg_website", "http://spam.example/with/a/long/path"}},
                               {}, {"gform_*"});
  CHECK(numbered.email == "ann@example.org");
  // The other fields are scored after the body.
  CHECK(numbered.body == "お世話になっております。資料を送ってください。\n\nAnn");
  CHECK(numbered.url.empty());

  // The configured name wins over the guess; an empty value is not a match.
  Submission configured = mapped({{"your-message", ""}, {"ご相談内容", "本文です"}, {"comment", "other"}},
                                 {.author = {}, .email = {}, .url = {}, .subject = {}, .body = {"your-message", "ご相談内容"}});
  CHECK(configured.body == "本文です\n\nother");
  // Nothing is dropped or renamed.
  CHECK(configured.raw_form.size() == 3);
}

TEST_CASE("a blocked CF7 message is answered in CF7's own spam format, never reaching PHP") {
  Site site([](Config& c) { c.checks.duplicate_window_seconds = 0; });
  const std::string body = multipart(cf7_fields("buy spamword now"));
  const HttpResponse rest =
      site.request("POST", "/wp-json/contact-form-7/v1/contact-forms/42/feedback", body, kMultipart, false);
  CHECK(rest.status == 200);
  CHECK(rest.body ==
        "{\"contact_form_id\":42,\"status\":\"spam\",\"message\":\"There was an error trying to send your message. "
        "Please try again later.\",\"posted_data_hash\":\"\",\"into\":\"#wpcf7-f42-p7-o1\",\"invalid_fields\":[]}");
  CHECK(rest.headers[0].second.find("application/json") == 0);

  // Other words each time: identical blocked bodies are kept once (the review budget).
  const HttpResponse plain = site.request("POST", "/?rest_route=/contact-form-7/v1/contact-forms/42/feedback",
                                          multipart(cf7_fields("buy spamword today")), kMultipart, false);
  CHECK(plain.body == rest.body);

  const HttpResponse nojs =
      site.request("POST", "/index.php", multipart(cf7_fields("buy spamword here")), kMultipart, false);
  CHECK(nojs.status == 200);
  CHECK(nojs.body.find("class=\"wpcf7-response-output\"") != std::string::npos);
  CHECK(nojs.body.find("There was an error trying to send your message.") != std::string::npos);
  CHECK(nojs.body.find("spamword") == std::string::npos);

  // A line break in the e-mail or subject is header injection, as for /contact.
  for (auto fields : {cf7_fields("a kind word", "ann@example.org\r\nBcc: x@example.net"),
                      cf7_fields("another kind word", "ann@example.org", "Hi\nBcc: x@example.net")}) {
    const HttpResponse injected = site.request("POST", "/wp-json/contact-form-7/v1/contact-forms/42/feedback",
                                               multipart(fields), kMultipart, false);
    CHECK(nlohmann::json::parse(injected.body)["status"] == "spam");
  }
  // A friendly one passes to PHP-FPM (absent here: 502 after scoring).
  CHECK(site.request("POST", "/wp-json/contact-form-7/v1/contact-forms/42/feedback",
                     multipart(cf7_fields("a kind word")), kMultipart, false).status == 502);

  // Listed for review with every field, the form's identity, and a form filter.
  CHECK(site.list("?kind=form&form=cf7:42")["total"] == 5);  // 3 spam, 2 header injections
  const nlohmann::json page = site.list("?kind=form&form=cf7:42&q=spamword");
  REQUIRE(page["total"] == 3);
  const nlohmann::json& item = page["items"][0];
  CHECK(item["kind"] == "form");
  CHECK(item["form"]["name"] == "cf7");
  CHECK(item["form"]["id"] == "42");
  CHECK(item["form"]["container"] == "7");
  CHECK(item["body"] == "buy spamword here");
  CHECK(item["email"] == "ann@example.org");
  CHECK(item["fields"].size() == 9);
  CHECK(item["fields"][8]["name"] == "your-message");
  CHECK(site.list("?form=cf7:41")["total"] == 0);
  CHECK(site.list("?form=wpforms")["total"] == 0);
  CHECK(site.request("GET", "/spamgate/submissions?form=cf7:").status == 400);
}

TEST_CASE("the other presets answer a block in their plugin's format") {
  Site site;
  auto post = [&](const std::string& uri, const std::string& body) {
    return site.request("POST", uri, body, "application/x-www-form-urlencoded", false);
  };
  const nlohmann::json wpforms = nlohmann::json::parse(
      post("/wp-admin/admin-ajax.php", "action=wpforms_submit&wpforms%5Bid%5D=9&wpforms%5Bfields%5D%5B2%5D=spamword")
          .body);
  CHECK(wpforms["success"] == false);
  CHECK(wpforms["data"]["errors"]["general"]["header"].is_string());
  const nlohmann::json elementor = nlohmann::json::parse(
      post("/wp-admin/admin-ajax.php", "action=elementor_pro_forms_send_form&form_id=ab12&form_fields%5Bmessage%5D=spamword")
          .body);
  CHECK(elementor["success"] == false);
  CHECK(elementor["data"]["message"] == "An error occurred.");
  const HttpResponse gravity = post("/index.php", "gform_submit=3&input_3=spamword");
  CHECK(gravity.body.find("gform_validation_errors") != std::string::npos);
  const HttpResponse reg = post("/wp-login.php?action=register", "user_login=spambot&user_email=a%40example.org");
  CHECK(reg.body.find("id=\"login_error\"") != std::string::npos);
  const HttpResponse woo = post("/index.php", "username=spambot&email=a%40example.org&password=secret1&woocommerce-register-nonce=n");
  CHECK(woo.body.find("woocommerce-error") != std::string::npos);
  // A registration's password is never kept.
  const nlohmann::json page = site.list("?form=woo_register");
  REQUIRE(page["total"] == 1);
  CHECK(page["items"][0]["fields"].dump().find("secret1") == std::string::npos);
}

TEST_CASE("discard pretends success in the plugin's format") {
  Site site([](Config& c) { c.actions.on_reject = RejectMode::discard; });
  const HttpResponse cf7 = site.request("POST", "/wp-json/contact-form-7/v1/contact-forms/42/feedback",
                                        multipart(cf7_fields("spamword")), kMultipart, false);
  CHECK(nlohmann::json::parse(cf7.body)["status"] == "mail_sent");
  const HttpResponse gravity =
      site.request("POST", "/index.php", "gform_submit=3&input_3=spamword", "application/x-www-form-urlencoded", false);
  CHECK(gravity.status == 303);
}

TEST_CASE("GET /spamgate/token: a fresh signed token and the honeypot's name, never cached") {
  Site site;
  const HttpResponse response = site.request("GET", "/spamgate/token", "", "", false);
  REQUIRE(response.status == 200);
  bool no_store = false;
  for (const auto& [name, value] : response.headers) no_store = no_store || (name == "Cache-Control" && value == "no-store");
  CHECK(no_store);
  const nlohmann::json body = nlohmann::json::parse(response.body);
  CHECK(body["field"] == "sg_token");
  CHECK(body["honeypot"] == "sg_website");
  const TokenCheck check = verify_form_token(body["token"].get<std::string>(), testing::kSecret,
                                             unix_seconds(site.clock.now()), 3600);
  CHECK(check.status == TokenStatus::valid);
  CHECK(check.age_seconds == 0);
  CHECK(site.request("POST", "/spamgate/token", "", "", false).status == 405);
}

TEST_CASE("CF7's unit tag is sanitised as CF7 does") {
  CHECK(sanitize_unit_tag("wpcf7-f42-p7-o1\"><script>") == "wpcf7-f42-p7-o1script");
}
