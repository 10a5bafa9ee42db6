// Private to the bounce-report parser (src/bounce/report/): reading the free
// text of a non-standard bounce (qmail, Exim, Exchange, Domino, carriers'
// notices, ...) with one table of phrases rather than a reader per MTA:
// where the failure text starts, where the copy of the original message
// starts, which addresses it lists as failed and what it says about each.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spamgate::bounce_text {

// An address a bounce's failure text names, and how sure it is a failed
// recipient: 0 listed (on a line of its own, after "...:" or "to") after a
// phrase that starts the failure text, 1 listed before one, 2 mentioned in
// passing, 3 a system address. Never one of `exclude` or one after "From:",
// "MAIL FROM:", "Reply-To:", "contact" and the like. In order, no repeats.
struct Candidate {
  std::string address;
  int tier = 0;
  size_t line_start = 0, begin = 0, end = 0;  // the address's line, and the address in it
};
std::vector<Candidate> recipient_candidates(std::string_view failure_text, size_t failure_marker,
                                            const std::vector<std::string>& exclude, size_t max = 200);

// What the failure text says about a recipient named at [address_begin,
// address_end) on the line at line_start, read up to `until` (the next
// recipient's line): the first status code and SMTP reply there, and as a
// note the lines under the address ("The recipient name is not
// recognized"), else its own line when it says more than the address
// ("Unknown user: a@b").
struct Details {
  std::string status, reply, note;
};
Details details_for(std::string_view failure_text, size_t line_start, size_t address_begin, size_t address_end,
                    size_t until);

// The remote server's words after a lead-in such as "The response was:" or
// "Remote host said:", for reports that quote no SMTP reply; "" when none.
std::string find_explanation(std::string_view text);

// Phrase tables, matched on folded text (ASCII lower case, whitespace runs
// as one space). The entries are in free_text.cpp.
enum class Phrases {
  bounce_subject,  // a Subject that announces a delivery failure
  failure_words,   // body text that says a delivery failed
  delay_words,     // a warning that delivery is still being tried
  auto_subject,    // a Subject of an auto-reply ("Out of office", ...)
  auto_body,       // the text of an auto-reply ("I am away until ...")
};
bool has_phrase(std::string_view text, Phrases table);

// The parts of a non-standard bounce's text, as byte offsets into it.
struct Sections {
  size_t failure_marker = std::string_view::npos;  // where a phrase that starts the failure text ends
  size_t original = std::string_view::npos;        // where the copy of the original message starts
};
Sections find_sections(std::string_view text);

}  // namespace spamgate::bounce_text
