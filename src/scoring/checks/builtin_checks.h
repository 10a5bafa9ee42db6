// Built-in checks: the fixed-name tests the rule engine scores beside the
// site owner's regex rules (HEADER_INJECTION, HONEYPOT, TOO_FAST, ...).
// A check only reports what it found; it never decides an action and never
// throws. Stateful checks touch nothing but the SubmissionHistory they get.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "form/submission.h"
#include "scoring/history.h"
#include "util/clock.h"

namespace spamgate {

class LearnedModel;
class FuzzyMemory;
class LazyFingerprint;

// Where a link starts and ends in the body: bytes [begin, end).
struct LinkSpan {
  size_t begin;
  size_t end;
};

struct CheckContext {
  const ChecksConfig& config;          // from src/config/config.h
  std::string_view token_secret;       // shared secret for form tokens ("" = none)
  SubmissionHistory* history;          // nullptr: stateful checks (RATE_IP, DUPLICATE) are skipped
  TimePoint now;
  const LearnedModel* learned = nullptr;  // the site's classifier; nullptr: LEARNED is silent
  const FuzzyMemory* fuzzy = nullptr;     // recent spam examples; nullptr: FUZZY is silent
  // What `history` answered for this submission (ask_history), read by
  // RATE_IP and DUPLICATE; the scorer sets it before the checks run.
  const HistoryAnswers* history_answers = nullptr;
  // The submission's fingerprint, shared with the caller (which may teach
  // FUZZY the same submission next); nullptr: FUZZY computes its own.
  const LazyFingerprint* fuzzy_fingerprint = nullptr;
  // The body's links (link_spans), found once by the caller for every check
  // that counts or masks them; nullptr: each finds its own.
  const std::vector<LinkSpan>* body_links = nullptr;
};

struct BuiltinCheck {
  std::string_view name;               // e.g. "HEADER_INJECTION"
  double default_score;
  std::string_view description;
  // Returns a detail string when the check fires, nullopt otherwise. May
  // throw (out of memory): the scorer records that as a rule error, counted
  // in spamgate_rule_errors_total, and the check as not fired.
  std::optional<std::string> (*run)(const Submission&, const CheckContext&);
  bool reads_history = false;  // fires on CheckContext::history_answers only (RATE_IP, DUPLICATE)
};

// RATE_IP's and DUPLICATE's questions about `submission`, each only when it
// applies (a client IP, a non-empty body), for the history to answer in one
// call (one round trip with the history in Redis). The rate question points
// into `submission`, which must outlive it.
HistoryQuestions history_questions(const Submission& submission, const ChecksConfig& config, bool rate = true,
                                   bool duplicate = true);

// Every fixed-name built-in check, in a stable order.
const std::vector<BuiltinCheck>& builtin_checks();

// The links (http/https/ftp URLs, www. hosts, <a href>...</a>, [url]...[/url])
// in `body`, in order; each counts once however it is written.
std::vector<LinkSpan> link_spans(std::string_view body);

// Number of links in the body: the engine's LINKS_N fires when >= N.
size_t count_links(const Submission&);

}  // namespace spamgate
