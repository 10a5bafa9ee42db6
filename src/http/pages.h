// Pages: the short HTML pages spamgate itself answers with (rejected
// comment, gateway errors, contact thanks). They explain in general terms
// and never echo submitted text or which rule matched.
#pragma once

#include <string>

namespace spamgate {

// 403: the comment or message was not accepted, and what a person can do.
// Built once: every rejection answers with the same page.
const std::string& rejected_page();
// 502 (PHP-FPM unreachable) or 504 (PHP-FPM too slow).
std::string upstream_error_page(int status);
// 200 after a contact form was accepted (or discarded: it looks the same).
std::string contact_thanks_page();
// 400 / 413 / 415 with the one-line reason, HTML-escaped.
std::string bad_request_page(int status, const std::string& reason);

// Escapes &, <, >, " and ' for HTML text and attributes.
std::string html_escape(const std::string& text);

}  // namespace spamgate
