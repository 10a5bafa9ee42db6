// Form answers: how spamgate answers a form plugin's submission it blocked
// (reject) or pretends to accept (discard), in that plugin's own format so
// the plugin's script shows its own message on the page. Never echoes
// submitted text or which rule matched.
#pragma once

#include <string>

#include "http/http_response.h"
#include "http/route_table.h"

namespace spamgate {

struct FormAnswerContext {
  std::string form_id;   // CF7: contact_form_id (a number; 0 when unknown)
  std::string unit_tag;  // CF7: _wpcf7_unit_tag, sanitised as CF7 does
  std::string back_url;  // the page the form was on (same site), or "/"
};

// A rejected submission: CF7 REST → 200 JSON {"contact_form_id":ID,
// "status":"spam","message":CF7's spam text,"posted_data_hash":"",
// "into":"#"+unit tag,"invalid_fields":[]}; WPForms and Elementor → their
// AJAX error JSON; wp-login.php and the no-JS posts → an HTML page with the
// plugin's message in the plugin's own element and a link back.
HttpResponse form_block_answer(const FormSpec& form, const FormAnswerContext& context);

// A discarded submission: the plugin's success answer where it has one in
// JSON (CF7 "mail_sent", WPForms and Elementor success), else a 303 back to
// the page.
HttpResponse form_discard_answer(const FormSpec& form, const FormAnswerContext& context);

// CF7's wpcf7_sanitize_unit_tag: only [A-Za-z0-9_-] kept.
std::string sanitize_unit_tag(const std::string& tag);

}  // namespace spamgate
