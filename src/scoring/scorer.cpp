#include "scoring/scorer.h"

#include <algorithm>
#include <exception>
#include <optional>

#include "scoring/learn/explanation.h"
#include "scoring/learn/learned_model.h"
#include "scoring/search_text.h"

namespace spamgate {
namespace {

constexpr size_t kExcerptBytes = 60;

// "body: <text>": at most kExcerptBytes of `text`, cut on a UTF-8 boundary,
// control characters shown as spaces.
std::string detail(Field field, std::string_view text) {
  std::string out(field_name(field));
  out += ": ";
  size_t len = text.size();
  if (len > kExcerptBytes) {
    len = kExcerptBytes;
    while (len > 0 && (static_cast<unsigned char>(text[len]) & 0xC0) == 0x80) --len;
  }
  for (size_t i = 0; i < len; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += c < 0x20 || c == 0x7F ? ' ' : static_cast<char>(c);
  }
  if (len < text.size()) out += "...";
  return out;
}

// The comment without HTML tags, as WordPress also checks it against the
// disallowed keys ("vi<b></b>agra" hides "viagra").
std::string strip_tags(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  bool in_tag = false;
  for (char c : html) {
    if (c == '<') in_tag = true;
    else if (c == '>' && in_tag) in_tag = false;
    else if (!in_tag) out += c;
  }
  return out;
}

// Everything one score() call works on.
class Run {
 public:
  Run(const RuleSet& rules, const Submission& submission, const CheckContext& context, bool prefilter)
      : rules_(rules), c_(rules.compiled()), submission_(submission), context_(context), prefilter_(prefilter),
        fired_(rules.rules().size(), 0) {
    details_.reserve(8);  // a spam comment fires a handful of rules
  }

  Verdict finish() {
    run_builtins(false);
    run_links();
    run_regexes();
    for (const CompiledList& rule : c_.lists) run_list(rule);
    for (const CompiledScript& rule : c_.scripts) run_script(rule);
    run_learned();
    if (c_.history_only_adds) {  // no meta reads the history's checks: they come last
      run_metas();
      run_history(score_so_far() >= c_.reject);
    } else {
      run_history(false);
      run_metas();
    }

    sort_details();
    verdict_.hits.reserve(details_.size());
    for (auto& [rule, detail] : details_) {
      const double score = score_of(rule);
      if (score == 0) continue;
      verdict_.hits.push_back({rules_.rules()[rule].name, score, std::move(detail)});
      verdict_.score += score;
    }
    verdict_.action = verdict_.score >= c_.reject ? Action::reject
                      : verdict_.score >= c_.hold ? Action::hold
                                                  : Action::pass;
    return std::move(verdict_);
  }

 private:
  void fire(uint32_t rule, std::string detail) {
    if (fired_[rule]) return;  // each kind of rule fires at most once; keep the first detail
    fired_[rule] = 1;
    details_.emplace_back(rule, std::move(detail));
  }
  void rule_error(uint32_t rule, const char* reason) {
    verdict_.rule_errors.push_back(rules_.rules()[rule].name + ": " + reason);
  }

  double score_of(uint32_t rule) const { return rule == c_.learned.rule ? learned_score_ : c_.scores[rule]; }
  void sort_details() {
    std::sort(details_.begin(), details_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  // The sum of the fired rules' scores, added in the verdict's order: a
  // hit of score >= 0 fired later can only raise it (rounding is monotonic).
  double score_so_far() {
    sort_details();
    double sum = 0;
    for (const auto& [rule, detail] : details_) sum += score_of(rule);
    return sum;
  }

  void run_metas() {
    for (const CompiledMeta& meta : c_.metas)
      if (evaluate_meta(meta.program, fired_)) fire(meta.rule, meta.expression);
  }

  // The built-in checks that do (`history_checks`) or do not read the history.
  void run_builtins(bool history_checks, const CheckContext& context) {
    for (const CompiledBuiltin& check : c_.builtins) {
      if (check.reads_history != history_checks) continue;
      try {
        if (auto found = check.run(submission_, context)) fire(check.rule, std::move(*found));
      } catch (const std::exception& e) {
        rule_error(check.rule, e.what());
      }
    }
  }
  void run_builtins(bool history_checks) { run_builtins(history_checks, context_); }

  // The history is asked once for every check that reads it, then those
  // checks run. `decided`: the action cannot change (history_only_adds and
  // already at the reject threshold), so the history only records, and
  // need not make the request wait for the site's answer.
  void run_history(bool decided) {
    if (!context_.history) return;
    HistoryAnswers answers;
    CheckContext context = context_;
    try {
      const HistoryQuestions questions = history_questions(submission_, context_.config);
      if (questions.rate || questions.duplicate)
        answers = decided ? context_.history->record(questions, context_.now)
                          : context_.history->answer(questions, context_.now);
      context.history_answers = &answers;
    } catch (const std::exception& e) {
      verdict_.rule_errors.push_back(std::string("history: ") + e.what());
    }
    run_builtins(true, context);
  }

  // LEARNED: silent until the model has learned enough of both classes;
  // then the score of the highest band the spam probability reaches.
  void run_learned() {
    const LearnedModel* model = context_.learned;
    if (!model || !model->active() || c_.learned.bands.empty()) return;
    LearnedExplainer explainer(*model);  // weighs and names the features in the same walk
    extract_features(submission_, &explainer);
    const double probability = explainer.probability();
    for (const ScoreBand& band : c_.learned.bands)
      if (probability >= band.probability) learned_score_ = band.score;
    if (learned_score_ != 0) fire(c_.learned.rule, explainer.explain(probability));
  }

  void run_links() {
    if (c_.links.empty()) return;
    const size_t count = context_.body_links ? context_.body_links->size() : count_links(submission_);
    for (const CompiledLinks& rule : c_.links)
      if (count >= rule.min_links) fire(rule.rule, std::to_string(count) + " links");
  }

  // The leftmost match of the regex at `position` in `text`: a search of
  // the whole text, or, when the prefilter knows where a match must start,
  // an attempt at each of those offsets in turn (which finds the same match:
  // a search tries every offset in that order and stops at the first that
  // matches; match_prev_avail and the base let \b, ^ and lookbehinds see the
  // text before the offset).
  // Offsets are those of literals, which start on a character boundary of
  // the (well-formed) search text.
  bool find(uint32_t position, const std::string& text, const PrefilterHits* hits, boost::match_flag_type flags,
            boost::smatch& match) const {
    const boost::u32regex& regex = c_.regexes[position].regex;
    if (!hits || !c_.prefilter.anchored(position))
      return boost::u32regex_search(text.begin(), text.end(), match, regex, flags);
    for (const auto& found : hits->starts(position)) {
      const uint32_t start = found.second;
      const auto at = text.begin() + start;
      const auto here = flags | boost::match_continuous | (start > 0 ? boost::match_prev_avail : boost::match_default);
      if (boost::u32regex_search(at, text.end(), match, regex, here, text.begin())) return true;
    }
    return false;
  }

  // Searches one field; true when the rule fired.
  bool search(uint32_t position, Field field, bool& failed) {
    const CompiledRegex& rule = c_.regexes[position];
    const PrefilterHits* hits = prefilter_hits(field);
    if (hits && !hits->may_match(position)) return false;
    const std::string& text = search_text_of(field);
    // A rule scored 0 only feeds metas: any match will do. Otherwise the
    // Perl match, whose text goes into the hit's detail.
    const auto flags = c_.scores[rule.rule] == 0 ? boost::match_default | boost::match_any : boost::match_default;
    boost::smatch match;
    try {
      if (!find(position, text, hits, flags, match)) return false;
    } catch (const std::exception& e) {  // std::runtime_error: complexity or stack limit
      if (!failed) rule_error(rule.rule, e.what());
      failed = true;
      return false;
    }
    const auto begin = static_cast<size_t>(match[0].first - text.begin());
    fire(rule.rule, detail(field, std::string_view(text).substr(begin, static_cast<size_t>(match.length(0)))));
    return true;
  }

  // The search text of a concrete field: normalised once, on first use.
  const std::string& search_text_of(Field field) {
    const auto f = static_cast<size_t>(field);
    if (!normalised_[f]) {
      if (auto normalised = search_text(field_text(submission_, field))) search_texts_[f] = std::move(*normalised);
      else search_texts_[f].reset();
      normalised_[f] = true;
    }
    return search_texts_[f] ? *search_texts_[f] : field_text(submission_, field);
  }

  // What the prefilter found in `field`'s search text (nullptr without the
  // prefilter). One prefilter pass per field, on first use.
  const PrefilterHits* prefilter_hits(Field field) {
    if (!prefilter_) return nullptr;
    const auto f = static_cast<size_t>(field);
    if (!scanned_[f]) {
      c_.prefilter.scan(search_text_of(field), prefilter_hits_[f]);
      scanned_[f] = true;
    }
    return &prefilter_hits_[f];
  }

  // Every regex rule in order; with the prefilter, only those it lets
  // through in some field, so that the work follows the rules that may
  // match rather than the number of rules.
  void run_regexes() {
    if (!prefilter_) {
      for (uint32_t i = 0; i < c_.regexes.size(); ++i) run_regex(i);
      return;
    }
    std::vector<uint32_t> candidates(c_.prefilter.unfiltered().begin(), c_.prefilter.unfiltered().end());
    for (Field field : c_.regex_fields) {
      const std::span<const uint32_t> ready = prefilter_hits(field)->ready();
      candidates.insert(candidates.end(), ready.begin(), ready.end());
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (uint32_t i : candidates) run_regex(i);
  }

  void run_regex(uint32_t position) {
    bool failed = false;
    if (const Field field = c_.regexes[position].field; field != Field::any) {
      search(position, field, failed);
      return;
    }
    for (Field field : kTextFields)
      if (search(position, field, failed)) return;
  }

  void run_script(const CompiledScript& rule) {
    LetterCount count;
    if (rule.field != Field::any) count_letters(field_text(submission_, rule.field), rule.condition.scripts, count);
    else for (Field field : kTextFields) count_letters(field_text(submission_, field), rule.condition.scripts, count);
    if (auto found = script_condition_met(rule.condition, count))
      fire(rule.rule, std::string(field_name(rule.field)) + ": " + *found);
  }

  bool scan_list(const CompiledList& rule, Field field, std::string_view text) {
    auto found = rule.automaton.find_first(text);
    if (!found) return false;
    fire(rule.rule, detail(field, rule.entries[found->pattern]));
    return true;
  }

  void run_list(const CompiledList& rule) {
    // Lists search the text as sent, as WordPress does (its list holds
    // full-width look-alike entries such as "ｃy" that NFKC would widen).
    auto scan_field = [&](Field field) {
      const std::string& text = field_text(submission_, field);
      if (scan_list(rule, field, text)) return true;
      return field == Field::body && text.find('<') != std::string::npos &&
             scan_list(rule, field, strip_tags(text));
    };
    if (rule.field != Field::any) {
      scan_field(rule.field);
      return;
    }
    for (Field field : kListFields)
      if (scan_field(field)) return;
  }

  const RuleSet& rules_;
  const CompiledRules& c_;
  const Submission& submission_;
  const CheckContext& context_;
  const bool prefilter_;
  bool normalised_[static_cast<size_t>(Field::any)] = {};
  std::optional<std::string> search_texts_[static_cast<size_t>(Field::any)];  // when not the field's own text
  bool scanned_[static_cast<size_t>(Field::any)] = {};
  PrefilterHits prefilter_hits_[static_cast<size_t>(Field::any)];  // per concrete field
  std::vector<char> fired_;
  std::vector<std::pair<uint32_t, std::string>> details_;  // (rule, detail) of each rule fired
  double learned_score_ = 0;  // LEARNED's band score for this submission
  Verdict verdict_;
};

}  // namespace

Verdict Scorer::score(const RuleSet& rules, const Submission& submission, const CheckContext& context) const {
  try {
    return Run(rules, submission, context, options_.literal_prefilter).finish();
  } catch (const std::exception& e) {  // out of memory: let a person decide
    Verdict verdict;
    verdict.action = Action::hold;
    verdict.rule_errors.push_back(std::string("scorer: ") + e.what());
    return verdict;
  }
}

}  // namespace spamgate
