// End-to-end: Contact Form 7 5.7.7, unchanged (../shared/wp-plugins), on
// Debian's WordPress with the spamgate plugin, behind nginx with
// deploy/nginx's locations, the real spamgate, PHP-FPM and MariaDB, and
// spamgate's mail going to the SMTP test server (STARTTLS + AUTH). A
// visitor in headless Chromium (tests/e2e/browser/cf7.py) sends messages
// with and without JavaScript, with pretty and plain permalinks and from a
// page cached three days ago; the owner reviews and rescues on "Blocked by
// spamgate". Screenshots go to build/artifacts/cf7-*.png.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/http_client.h"
#include "harness/mail_inspect.h"
#include "harness/process.h"
#include "harness/wordpress_site.h"

using namespace harness;
using nlohmann::json;

namespace {

const std::string kSecret = "e2e-cf7-shared-secret-0123456789";
const std::string kOwner = "owner@example.org";   // WordPress's admin e-mail, CF7's recipient, spamgate's owner
const std::string kAccount = "notify@blog.test";  // the SMTP account: spamgate's From
const std::string kFormTitle = "お問い合わせ";     // the CF7 form's title, as a Japanese site names it
const std::string kCf7Dir = SPAMGATE_SOURCE_DIR "/../shared/wp-plugins/contact-form-7";
const std::string kArtifacts = SPAMGATE_BUILD_DIR "/artifacts";
// Contact Form 7's own messages (its defaults, in English).
const std::string kThanks = "Thank you for your message. It has been sent.";
const std::string kSpamText = "There was an error trying to send your message. Please try again later.";

const char* kRules = R"(body  TEST_SPAM  /\bspamword\b/i
score TEST_SPAM  20
describe TEST_SPAM  The test's spam word
body  TEST_HOLD  /\bholdword\b/i
score TEST_HOLD  6
)";

// What reached WordPress for each CF7 submission: CF7's status, spamgate's
// params, the request's URI, the message and CF7's spam log.
const char* kObserver = R"(
add_action( 'wpcf7_submit', function ( $form, $result ) {
	$submission = WPCF7_Submission::get_instance();
	$log        = get_option( 'sg_test_cf7', array() );
	$log[]      = array(
		'status'   => $result['status'],
		'verdict'  => isset( $_SERVER['SPAMGATE_VERDICT'] ) ? $_SERVER['SPAMGATE_VERDICT'] : '',
		'rules'    => isset( $_SERVER['SPAMGATE_RULES'] ) ? $_SERVER['SPAMGATE_RULES'] : '',
		'uri'      => $_SERVER['REQUEST_URI'],
		'message'  => $submission ? (string) $submission->get_posted_data( 'your-message' ) : '',
		'spam_log' => $submission ? $submission->get_spam_log() : array(),
	);
	update_option( 'sg_test_cf7', $log, false );
}, 10, 2 );
)";

// The token the plugin renders into a form shown `age_seconds` ago.
std::string form_token(long age_seconds) { return harness::form_token(kSecret, age_seconds); }

std::string stamp() { return std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000000); }

// Pages "saved by a page cache", served by nginx at /cached/: a base, so
// the folder exists before the site's nginx starts.
struct PageCache {
  TempDir dir{"spamgate-cf7-cache"};
  std::string cached = dir.path();
};

struct Stack : PageCache, WordPressSite {
  json cf7;  // install-cf7.php's answer: form_id, form_title, page_id, page_url

  static WordPressSiteOptions site_options(const std::string& cached) {
    WordPressSiteOptions o;
    o.name = "spamgate-cf7";
    o.secret = kSecret;
    o.rules_text = kRules;
    o.owner = kOwner;
    o.account = kAccount;
    o.spamgate_toml = "[mail.caps]\nper_hour = 200\nper_day = 400\nper_recipient_hour = 200\nper_recipient_day = 400\n";
    o.nginx_server_extra = "location /cached/ { alias " + cached + "/; default_type text/html; }\n";
    o.mu_plugins = {{"test-cf7-observer.php", kObserver}};
    return o;
  }

  Stack() : WordPressSite(site_options(cached)) {
    std::filesystem::create_directories(kArtifacts);
    std::string output;
    REQUIRE_MESSAGE(run("php '" SPAMGATE_SOURCE_DIR "/tests/e2e/wordpress/install-cf7.php' '" + docroot + "' '" +
                            kCf7Dir + "' '" + kFormTitle + "'",
                        &output) == 0,
                    output);
    cf7 = json::parse(output.substr(output.rfind("{\"form_id\"")));
    set_permalinks("/%postname%/");
  }

  void set_permalinks(const std::string& structure) {
    wp->php("global $wp_rewrite; $wp_rewrite->set_permalink_structure( '" + structure + "' ); flush_rewrite_rules();");
  }
  std::string contact_url() { return wp->php("echo get_permalink( " + std::to_string(cf7["page_id"].get<int>()) + " );"); }
  std::string post_url() { return wp->php("echo get_permalink( " + std::to_string(wp->post_id()) + " );"); }

  // The observer's record of the CF7 submission holding `message`, if it reached WordPress.
  std::optional<json> reached_wordpress(const std::string& message) {
    const json log = json::parse(wp->option_json("sg_test_cf7"), nullptr, false);
    if (log.is_array())
      for (const json& entry : log)
        if (entry.value("message", "") == message) return entry;
    return std::nullopt;
  }

  // Outbox rows whose subject holds `text` (a message is in the outbox before its request is answered).
  int outbox_rows(const std::string& text) {
    return std::stoi(sqlite_query(spamgate->database_path(), "SELECT count(*) FROM outbox WHERE instr(subject, '" + text + "') > 0"));
  }

  // Messages the SMTP server accepted whose decoded body holds `text`.
  std::vector<std::string> mails_with(const std::string& text) {
    std::vector<std::string> found;
    for (const RecordedMessage& m : smtp->messages()) {
      const std::string body = decode_quoted_printable(message_body(m.data));
      if (body.find(text) != std::string::npos || subject_of(m.data).find(text) != std::string::npos) found.push_back(m.data);
    }
    return found;
  }
};

Stack& stack() {
  static Stack instance;
  return instance;
}

// Runs tests/e2e/browser/cf7.py with `args`; its JSON answer (the test fails with its output otherwise).
json browser(const std::string& args) {
  std::string output;
  const int status = run("/usr/bin/python3 '" SPAMGATE_SOURCE_DIR "/tests/e2e/browser/cf7.py' " + args + " 2>&1", &output);
  const size_t brace = output.rfind("\n{");
  REQUIRE_MESSAGE(status == 0, output, stack().spamgate->log().substr(0, 3000), stack().wp->debug_log());
  return json::parse(output.substr(brace == std::string::npos ? 0 : brace + 1));
}

struct Message {
  std::string name, email, subject, text;
};

json send(const std::string& page, const Message& m, const std::string& screenshot, bool javascript = true) {
  return browser("send --page " + shell_quote(page) + " --name " + shell_quote(m.name) + " --email " + shell_quote(m.email) +
                 " --subject " + shell_quote(m.subject) + " --message " + shell_quote(m.text) +
                 (javascript ? "" : " --no-js") + " --screenshot " + shell_quote(kArtifacts + "/" + screenshot));
}

// A friendly message: thanked by CF7, reached WordPress as passed, and
// mailed once to the owner by spamgate with every field.
void check_thanked_and_mailed(Stack& s, const json& seen, const Message& m) {
  CHECK_MESSAGE(seen["message"] == kThanks, seen.dump());
  std::optional<json> reached = s.reached_wordpress(m.text);
  REQUIRE_MESSAGE(reached, s.wp->debug_log(), s.spamgate->log().substr(0, 3000));
  CHECK((*reached)["verdict"] == "pass");
  CHECK((*reached)["status"] == "mail_sent");
  const std::string rules = (*reached)["rules"];
  CHECK_MESSAGE(rules.find("NO_TOKEN") == std::string::npos, rules);
  CHECK_MESSAGE(rules.find("TOO_FAST") == std::string::npos, rules);
  REQUIRE_MESSAGE(eventually([&] { return !s.mails_with(m.text).empty(); }, std::chrono::seconds(20)), s.smtp->log());
  const std::string mail = s.mails_with(m.text).at(0);
  const auto fields = header_fields(mail);
  CHECK(header_value(fields, "To") == kOwner);
  CHECK(header_value(fields, "From").find("<" + kAccount + ">") != std::string::npos);
  CHECK(header_value(fields, "Reply-To") == m.email);
  CHECK(subject_of(mail).find(m.subject) != std::string::npos);
  const std::string body = decode_quoted_printable(message_body(mail));
  CHECK(body.find(m.name) != std::string::npos);
  CHECK(body.find(m.email) != std::string::npos);
}

// A spam message: CF7's own spam text on the page, nothing in the outbox.
void check_spam_text_and_no_mail(Stack& s, const json& seen, const Message& m) {
  CHECK_MESSAGE(seen["message"] == kSpamText, seen.dump());
  CHECK(s.outbox_rows(m.subject) == 0);
}

}  // namespace

TEST_CASE("a friendly message, in English and in Japanese, is thanked by CF7 and mailed to the owner through spamgate") {
  Stack& s = stack();
  const std::string id = stamp();
  const Message english{"Ann Visitor", "ann@example.com", "Opening hours " + id,
                        "Hello! Are you open on Sunday afternoons? I would like to visit with my family. " + id};
  const Message japanese{"山田 太郎", "taro@example.jp", "営業時間について " + id,
                         "こんにちは。日曜日の午後は営業していますか？家族で伺いたいと思っています。" + id};
  const json seen = send(s.contact_url(), english, "cf7-thanks.png");
  CHECK(seen["status"] == "sent");
  // The script put a fresh token from spamgate into the form CF7 sends.
  CHECK(seen["fresh_token"] == true);
  check_thanked_and_mailed(s, seen, english);
  check_thanked_and_mailed(s, send(s.contact_url(), japanese, "cf7-thanks-ja.png"), japanese);
  const std::string body = decode_quoted_printable(message_body(s.mails_with(japanese.text).at(0)));
  CHECK(body.find("山田 太郎") != std::string::npos);
}

TEST_CASE("spam gets CF7's spam text and no mail; the owner finds it under the form's title and Not spam mails it once") {
  Stack& s = stack();
  const std::string id = stamp();
  const Message rejected{"Cheap Pills", "pills@spam.example", "Best offer " + id,
                         "spamword: buy now at http://pills.example/ and http://casino.example/ " + id};
  const Message held{"Holder", "holder@example.com", "Question " + id, "holdword but otherwise a real question " + id};

  const json no = send(s.contact_url(), rejected, "cf7-spam.png");
  CHECK(no["status"] == "spam");
  check_spam_text_and_no_mail(s, no, rejected);
  CHECK_FALSE(s.reached_wordpress(rejected.text));  // answered by spamgate in CF7's format

  const json kept = send(s.contact_url(), held, "cf7-held.png");
  CHECK(kept["status"] == "spam");
  check_spam_text_and_no_mail(s, kept, held);
  std::optional<json> reached = s.reached_wordpress(held.text);
  REQUIRE_MESSAGE(reached, s.wp->debug_log());
  CHECK((*reached)["verdict"] == "hold");
  CHECK((*reached)["status"] == "spam");
  const std::string log = (*reached)["spam_log"].dump();
  CHECK_MESSAGE(log.find("\"agent\":\"spamgate\"") != std::string::npos, log);
  CHECK_MESSAGE(log.find("spamgate held this submission (rules: TEST_HOLD)") != std::string::npos, log);
  // Both wait on the review screen (the held one too: CF7 keeps no copy).
  const std::string listed = s.wp->php(
      "$l = Spamgate_Api::submissions( array( 'held_comments' => 'exclude', 'per_page' => 100 ) );"
      "foreach ( $l['data']['items'] as $i ) { echo $i['kind'], '|', $i['form_name'], '|', $i['form_id'], '|', $i['body'], \"\\n\"; }");
  const std::string form = "form|cf7|" + std::to_string(s.cf7["form_id"].get<int>()) + "|";
  CHECK_MESSAGE(listed.find(form + rejected.text) != std::string::npos, listed);
  CHECK_MESSAGE(listed.find(form + held.text) != std::string::npos, listed);

  const json review = browser("review --site " + shell_quote(s.nginx->url("")) +
                              " --user admin --password admin-test-password --text " + shell_quote(rejected.text) +
                              " --form-title " + shell_quote(kFormTitle) + " --field " +
                              shell_quote("your-name=" + rejected.name) + " --field " +
                              shell_quote("your-email=" + rejected.email) + " --field " +
                              shell_quote("your-subject=" + rejected.subject) + " --field " +
                              shell_quote("your-message=" + rejected.text) + " --screenshot " +
                              shell_quote(kArtifacts + "/cf7-review.png"));
  MESSAGE("review: " << review.dump());
  REQUIRE_MESSAGE(eventually([&] { return !s.mails_with(rejected.text).empty(); }, std::chrono::seconds(20)),
                  s.smtp->log(), s.wp->debug_log());
  std::this_thread::sleep_for(std::chrono::seconds(3));  // a second mail, were there one, would be in the outbox by now
  CHECK(s.outbox_rows(rejected.subject) == 1);
  const std::vector<std::string> mails = s.mails_with(rejected.text);
  REQUIRE(mails.size() == 1);
  // CF7's own Mail template, with every field the visitor sent.
  const std::string body = decode_quoted_printable(message_body(mails[0]));
  for (const std::string& value : {rejected.name, rejected.email, rejected.subject, rejected.text})
    CHECK_MESSAGE(body.find(value) != std::string::npos, body);
  CHECK(header_value(header_fields(mails[0]), "To") == kOwner);
  CHECK(sqlite_query(s.spamgate->database_path(), "SELECT decision FROM submissions WHERE id = '" +
                                                      review["id"].get<std::string>() + "'") == "ham");
}

TEST_CASE("without JavaScript: CF7 thanks a friendly message on the reloaded page; spam gets its spam text") {
  Stack& s = stack();
  const std::string id = stamp();
  const Message ham{"No Script", "noscript@example.com", "Plain form " + id,
                    "I browse without JavaScript and still want to ask about your prices. " + id};
  const Message spam{"Bot", "bot@spam.example", "Deal " + id, "spamword deal of the day " + id};
  const Message held{"Holder", "holder@example.com", "Question " + id, "holdword without a script " + id};
  const json thanked = send(s.contact_url(), ham, "cf7-nojs-thanks.png", false);
  CHECK(thanked["fresh_token"] == false);
  check_thanked_and_mailed(s, thanked, ham);
  check_spam_text_and_no_mail(s, send(s.contact_url(), spam, "cf7-nojs-spam.png", false), spam);
  CHECK_FALSE(s.reached_wordpress(spam.text));
  check_spam_text_and_no_mail(s, send(s.contact_url(), held, "cf7-nojs-held.png", false), held);
  std::optional<json> reached = s.reached_wordpress(held.text);
  REQUIRE(reached);
  CHECK((*reached)["verdict"] == "hold");
  CHECK((*reached)["status"] == "spam");
}

TEST_CASE("a request of CF7's shape with CR/LF in your-email or your-subject is blocked and nothing is mailed") {
  Stack& s = stack();
  const int form_id = s.cf7["form_id"].get<int>();
  const int page_id = s.cf7["page_id"].get<int>();
  const std::string id = stamp();
  struct Injection {
    std::string email, subject;
  };
  for (const Injection& bad : {Injection{"visitor@example.com\r\nBcc: victim@example.net", "Hello " + id},
                               Injection{"visitor@example.com", "Hello " + id + "\r\nBcc: victim@example.net"}}) {
    const std::string boundary = "----sgboundary" + id;
    std::string body;
    auto part = [&](const std::string& name, const std::string& value) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    };
    part("_wpcf7", std::to_string(form_id));
    part("_wpcf7_version", "5.7.7");
    part("_wpcf7_locale", "en_US");
    part("_wpcf7_unit_tag", "wpcf7-f" + std::to_string(form_id) + "-p" + std::to_string(page_id) + "-o1");
    part("_wpcf7_container_post", std::to_string(page_id));
    part("your-name", "Injector");
    part("your-email", bad.email);
    part("your-subject", bad.subject);
    part("your-message", "A message whose headers carry a second recipient " + id);
    part("sg_website", "");
    part("sg_token", form_token(20));
    body += "--" + boundary + "--\r\n";
    const HttpResponse response =
        post_body(s.nginx->url("/wp-json/contact-form-7/v1/contact-forms/" + std::to_string(form_id) + "/feedback"),
                  "multipart/form-data; boundary=" + boundary, body, {"User-Agent: Mozilla/5.0 (X11; Linux x86_64)"});
    CHECK(response.status == 200);
    const json answer = json::parse(response.body, nullptr, false);
    CHECK_MESSAGE(answer.value("status", "") == "spam", response.body);
    CHECK(answer.value("message", "") == kSpamText);
  }
  CHECK_FALSE(s.reached_wordpress("A message whose headers carry a second recipient " + id));
  CHECK(s.outbox_rows("Hello " + id) == 0);
  CHECK(std::stoi(sqlite_query(s.spamgate->database_path(),
                               "SELECT count(*) FROM submissions WHERE instr(rules, 'HEADER_INJECTION') > 0 AND kind = 'form'")) >= 2);
  for (const RecordedMessage& m : s.smtp->messages()) CHECK(m.data.find("victim@example.net") == std::string::npos);
}

TEST_CASE("a page cached three days ago still posts a comment and a CF7 message that pass with require_token") {
  Stack& s = stack();
  const std::string old_token = form_token(3 * 86400);
  // What a page cache saved three days ago: the page as WordPress rendered
  // it, with the token of that day (older than max_token_age_seconds, 2 days).
  auto cache = [&](const std::string& url, const std::string& file) {
    const HttpResponse page = http_get(url);
    REQUIRE(page.status == 200);
    const std::string marker = R"(name="sg_token" value=")";
    std::string html = page.body;
    int replaced = 0;
    for (size_t at = html.find(marker); at != std::string::npos; at = html.find(marker, at + 1), ++replaced)
      html.replace(at + marker.size(), html.find('"', at + marker.size()) - at - marker.size(), old_token);
    REQUIRE(replaced == 1);
    write_file(s.cached + "/" + file, html);
    return s.nginx->url("/cached/" + file);
  };
  const std::string contact = cache(s.contact_url(), "contact.html");
  const std::string post = cache(s.post_url(), "post.html");
  CHECK(http_get(contact).body.find(old_token) != std::string::npos);

  // Posted as cached, the old token counts as NO_TOKEN: what the script saves visitors from.
  const std::string id = stamp();
  const Message control{"Control", "control@example.com", "Cached control " + id, "Sent with the cached token " + id};
  const std::string unit = "wpcf7-f" + std::to_string(s.cf7["form_id"].get<int>()) + "-p" + std::to_string(s.cf7["page_id"].get<int>()) + "-o1";
  http_post_form(s.contact_url(), {{"_wpcf7", std::to_string(s.cf7["form_id"].get<int>())}, {"_wpcf7_version", "5.7.7"},
                                   {"_wpcf7_locale", "en_US"}, {"_wpcf7_unit_tag", unit},
                                   {"_wpcf7_container_post", std::to_string(s.cf7["page_id"].get<int>())},
                                   {"your-name", control.name}, {"your-email", control.email},
                                   {"your-subject", control.subject}, {"your-message", control.text},
                                   {"sg_website", ""}, {"sg_token", old_token}},
                 {"User-Agent: Mozilla/5.0 (X11; Linux x86_64)"});
  std::optional<json> stale = s.reached_wordpress(control.text);
  REQUIRE_MESSAGE(stale, s.wp->debug_log());
  CHECK_MESSAGE((*stale)["rules"].get<std::string>().find("NO_TOKEN") != std::string::npos, stale->dump());

  const Message m{"Cached Reader", "reader@example.com", "From a cached page " + id,
                  "I found this page through a search engine and have a question. " + id};
  const json seen = send(contact, m, "cf7-cached.png");
  CHECK(seen["rendered_token"] == old_token);
  CHECK(seen["fresh_token"] == true);
  check_thanked_and_mailed(s, seen, m);

  const std::string text = "A comment from a cached page " + id;
  const json commented = browser("comment --page " + shell_quote(post) + " --author 'Cached Reader' --email reader@example.com --text " +
                                 shell_quote(text) + " --screenshot " + shell_quote(kArtifacts + "/cf7-cached-comment.png"));
  CHECK(commented["rendered_token"] == old_token);
  CHECK(commented["fresh_token"] == true);
  std::optional<WpComment> comment;
  for (const WpComment& c : s.wp->comments())
    if (c.content == text) comment = c;
  REQUIRE_MESSAGE(comment, s.wp->debug_log(), commented.dump());
  CHECK(comment->meta["_spamgate_outcome"] == "pass");
  CHECK_MESSAGE(comment->meta["_spamgate_rules"].find("NO_TOKEN") == std::string::npos, comment->meta["_spamgate_rules"]);
  CHECK(comment->approved == "0");  // waits for moderation as any comment here
}

TEST_CASE("plain permalinks: CF7 posts to ?rest_route= and gets the same verdicts") {
  Stack& s = stack();
  s.set_permalinks("");
  const std::string page = s.contact_url();
  REQUIRE_MESSAGE(page.find("page_id=") != std::string::npos, page);
  const std::string id = stamp();
  const Message ham{"Plain Links", "plain@example.com", "Plain permalinks " + id,
                    "Does the form work on a site with plain links too? " + id};
  const Message spam{"Bot", "bot@spam.example", "Plain spam " + id, "spamword on plain links " + id};
  const json seen = send(page, ham, "cf7-plain-thanks.png");
  check_thanked_and_mailed(s, seen, ham);
  CHECK((*s.reached_wordpress(ham.text))["uri"].get<std::string>().find("rest_route=") != std::string::npos);
  const json no = send(page, spam, "cf7-plain-spam.png");
  CHECK(no["status"] == "spam");
  check_spam_text_and_no_mail(s, no, spam);
  s.set_permalinks("/%postname%/");
}
