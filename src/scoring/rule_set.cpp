#include "scoring/rule_set.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "scoring/regex_literals.h"
#include "scoring/rule_sources.h"
#include "scoring/unicode_pattern.h"

namespace spamgate {
namespace {

// What Boost.Regex says is wrong, without its excerpt of the pattern: it
// quotes the rewritten UTF-32 pattern cut to bytes, which garbles any
// non-ASCII letter. The caller quotes the owner's own pattern instead.
std::string regex_problem(std::string what) {
  const size_t excerpt = what.find(" The error occurred while parsing");
  if (excerpt != std::string::npos) what.resize(excerpt);
  while (!what.empty() && (what.back() == '.' || what.back() == ' ')) what.pop_back();
  return what;
}

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

boost::regex_constants::syntax_option_type regex_flags(const std::string& flags) {
  // Perl semantics: ^ and $ match only at the ends, . does not match a line
  // break unless the s flag says so.
  boost::regex_constants::syntax_option_type result = boost::regex::perl | boost::regex::no_mod_m;
  result |= flags.find('s') != std::string::npos ? boost::regex::mod_s : boost::regex::no_mod_s;
  if (flags.find('i') != std::string::npos) result |= boost::regex::icase;
  if (flags.find('x') != std::string::npos) result |= boost::regex::mod_x;
  return result;
}

ScriptCondition script_condition(const Directive& dir, std::vector<UScriptCode> scripts) {
  using Compare = ScriptCondition::Compare;
  ScriptCondition condition;
  condition.compare = dir.comparison == ">"    ? Compare::more
                      : dir.comparison == ">=" ? Compare::at_least
                      : dir.comparison == "<"  ? Compare::less
                      : dir.comparison == "<=" ? Compare::at_most
                                               : Compare::none;
  condition.amount = dir.number;
  condition.percent = dir.percent;
  condition.scripts = std::move(scripts);
  condition.scripts_text = dir.text;
  return condition;
}

// The concrete fields the regex rules search, each once, in Field order.
std::vector<Field> searched_fields(const std::vector<CompiledRegex>& regexes) {
  std::vector<bool> searched(static_cast<size_t>(Field::any), false);
  for (const CompiledRegex& regex : regexes) {
    if (regex.field != Field::any) searched[static_cast<size_t>(regex.field)] = true;
    else for (Field field : kTextFields) searched[static_cast<size_t>(field)] = true;
  }
  std::vector<Field> fields;
  for (size_t f = 0; f < searched.size(); ++f)
    if (searched[f]) fields.push_back(static_cast<Field>(f));
  return fields;
}

// CompiledRules::history_only_adds, from the scores and the metas' programs.
bool history_only_adds(const CompiledRules& compiled) {
  std::vector<char> reads_history(compiled.scores.size(), 0);
  for (const CompiledBuiltin& check : compiled.builtins) {
    if (!check.reads_history) continue;
    if (compiled.scores[check.rule] < 0) return false;
    reads_history[check.rule] = 1;
  }
  for (const CompiledMeta& meta : compiled.metas)
    for (const MetaOp& op : meta.program)
      if (op.code == MetaOp::rule && reads_history[op.rule_index]) return false;
  return true;
}

// Turns read directives into a RuleSet, collecting every error it finds.
class Compiler {
 public:
  explicit Compiler(RuleSources sources) : sources_(std::move(sources)), errors_(std::move(sources_.errors)) {}

  RuleLoad run() {
    parse_metas();
    add_builtins();
    add_learned();
    add_links();
    add_definitions();
    apply_settings();
    resolve_metas();
    order_metas();
    check_thresholds();
    RuleLoad load;
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const LocatedError& a, const LocatedError& b) { return a.order < b.order; });
    for (LocatedError& e : errors_) load.errors.push_back(std::move(e.message));
    if (load.errors.empty()) {
      compiled_.prefilter = LiteralPrefilter(literals_);
      compiled_.regex_fields = searched_fields(compiled_.regexes);
      for (const RuleInfo& info : rules_) compiled_.scores.push_back(info.score);
      compiled_.history_only_adds = history_only_adds(compiled_);
      load.rules = std::make_shared<const RuleSet>(std::move(rules_), std::move(compiled_), std::move(sources_.files));
    }
    return load;
  }

 private:
  void error(const LocatedDirective& at, const std::string& message) {
    errors_.push_back({at.order, at.where + ": " + message});
  }

  uint32_t add_rule(RuleInfo info) {
    const auto index = static_cast<uint32_t>(rules_.size());
    index_[info.name] = index;
    rules_.push_back(std::move(info));
    return index;
  }

  void parse_metas() {
    for (const LocatedDirective& d : sources_.directives) {
      if (d.directive.kind != DirectiveKind::meta) continue;
      auto parsed = parse_meta_expression(d.directive.text);
      if (!parsed) error(d, "meta " + d.directive.name + ": " + parsed.error());
      else metas_[d.order] = std::move(*parsed);
    }
  }

  void add_builtins() {
    for (const BuiltinCheck& check : builtin_checks()) {
      const uint32_t rule = add_rule({std::string(check.name), RuleKind::builtin, check.default_score,
                                      std::string(check.description), "built-in"});
      compiled_.builtins.push_back({rule, check.run, check.reads_history});
    }
  }

  // LEARNED: the site's own classifier, scored by probability bands.
  void add_learned() {
    compiled_.learned.bands = default_learned_bands();
    compiled_.learned.rule = add_rule({"LEARNED", RuleKind::learned, max_band_score(compiled_.learned.bands),
                                       "The classifier this site taught says spam", "built-in"});
  }

  static double max_band_score(const std::vector<ScoreBand>& bands) {
    double top = 0;
    for (const ScoreBand& band : bands) top = std::max(top, band.score);
    return top;
  }

  // `score LEARNED P:SCORE ...` sets the bands; `score LEARNED 0` turns it off.
  void apply_learned_score(const LocatedDirective& d) {
    const Directive& dir = d.directive;
    if (dir.bands.empty() && dir.number != 0) {
      error(d, "score LEARNED takes probability bands P:SCORE (e.g. 'score LEARNED 0.9:3 0.99:5'), or 0 to turn it off");
      return;
    }
    compiled_.learned.bands.clear();
    for (const auto& [probability, score] : dir.bands) compiled_.learned.bands.push_back({probability, score});
    rules_[compiled_.learned.rule].score = max_band_score(compiled_.learned.bands);
  }

  // LINKS_N exists for every N that a score, describe or meta line names.
  void add_links() {
    std::set<size_t> counts;
    for (const LocatedDirective& d : sources_.directives) {
      const DirectiveKind kind = d.directive.kind;
      if (kind == DirectiveKind::score || kind == DirectiveKind::describe)
        if (auto n = links_rule_count(d.directive.name)) counts.insert(*n);
    }
    for (const auto& [order, meta] : metas_)
      for (const std::string& name : meta.names)
        if (auto n = links_rule_count(name)) counts.insert(*n);
    for (size_t n : counts) {
      const uint32_t rule = add_rule({"LINKS_" + std::to_string(n), RuleKind::links, 0,
                                      "At least " + std::to_string(n) + " links in the body", "built-in"});
      compiled_.links.push_back({rule, n});
    }
  }

  bool claim_name(const LocatedDirective& d) {
    const std::string& name = d.directive.name;
    if (name.rfind("LINKS_", 0) == 0) {
      error(d, name + ": names starting with LINKS_ are reserved for link counts");
      return false;
    }
    auto existing = index_.find(name);
    if (existing == index_.end()) return true;
    const RuleInfo& other = rules_[existing->second];
    if (other.kind == RuleKind::builtin)
      error(d, name + " is a built-in check; use 'score " + name + " N' to change its score");
    else
      error(d, "rule " + name + " is already defined at " + other.source);
    return false;
  }

  void add_definitions() {
    for (LocatedDirective& d : sources_.directives) {
      Directive& dir = d.directive;
      if (dir.kind == DirectiveKind::regex) {
        if (!claim_name(d)) continue;
        const uint32_t rule = add_rule({dir.name, RuleKind::regex, 1, "", d.where});
        const Result<std::string> pattern = unicode_pattern(dir.pattern, dir.flags);
        if (!pattern) {
          error(d, dir.name + ": " + pattern.error());
          continue;
        }
        try {
          compiled_.regexes.push_back(
              {rule, dir.field, boost::make_u32regex(*pattern, regex_flags(dir.flags)), dir.pattern});
          literals_.push_back(regex_literals(dir.pattern, dir.flags));
        } catch (const std::exception& e) {  // boost::regex_error
          error(d, dir.name + ": invalid regex: " + regex_problem(e.what()) + " in /" + dir.pattern + "/");
        }
      } else if (dir.kind == DirectiveKind::list) {
        if (!claim_name(d)) continue;
        const uint32_t rule = add_rule({dir.name, RuleKind::list, 1, "", d.where});
        AhoCorasick automaton(d.list_entries, true);
        compiled_.lists.push_back({rule, dir.field, std::move(d.list_entries), std::move(automaton)});
      } else if (dir.kind == DirectiveKind::script) {
        if (!claim_name(d)) continue;
        const uint32_t rule = add_rule({dir.name, RuleKind::script, 1, "", d.where});
        auto scripts = parse_script_names(dir.text);
        if (!scripts) error(d, "script " + dir.name + ": " + scripts.error());
        else compiled_.scripts.push_back({rule, dir.field, script_condition(dir, std::move(*scripts))});
      } else if (dir.kind == DirectiveKind::meta) {
        if (!claim_name(d)) continue;
        const uint32_t rule = add_rule({dir.name, RuleKind::meta, 1, "", d.where});
        if (metas_.count(d.order)) meta_orders_[rule] = d.order;
      }
    }
  }

  // threshold, score and describe: the last line for a name wins.
  void apply_settings() {
    for (const LocatedDirective& d : sources_.directives) {
      const Directive& dir = d.directive;
      if (dir.kind == DirectiveKind::threshold) {
        (dir.name == "hold" ? compiled_.hold : compiled_.reject) = dir.number;
        last_threshold_ = &d;
        continue;
      }
      if (dir.kind != DirectiveKind::score && dir.kind != DirectiveKind::describe) continue;
      auto found = index_.find(dir.name);
      if (found == index_.end()) {
        error(d, (dir.kind == DirectiveKind::score ? "score" : "describe") + std::string(" for unknown rule ") +
                     dir.name);
      } else if (dir.kind == DirectiveKind::score && found->second == compiled_.learned.rule) {
        apply_learned_score(d);
      } else if (dir.kind == DirectiveKind::score && !dir.bands.empty()) {
        error(d, "score " + dir.name + ": only LEARNED is scored by probability bands");
      } else if (dir.kind == DirectiveKind::score) {
        rules_[found->second].score = dir.number;
      } else {
        rules_[found->second].description = dir.text;
      }
    }
  }

  void resolve_metas() {
    for (const auto& [rule, order] : meta_orders_) {
      MetaExpression& meta = metas_[order];
      size_t name_at = 0;
      for (MetaOp& op : meta.program) {
        if (op.code != MetaOp::rule) continue;
        const std::string& name = meta.names[name_at++];
        auto found = index_.find(name);
        if (found == index_.end()) {
          error(directive_at(order), "meta " + rules_[rule].name + ": unknown rule " + name);
          unresolved_.insert(rule);
        } else {
          op.rule_index = found->second;
        }
      }
    }
  }

  // Depth-first: a meta is emitted after every meta it names; a meta that
  // reaches itself is a cycle, reported once at the meta where it was found.
  void order_metas() {
    std::map<uint32_t, int> state;  // 1: visiting, 2: done
    std::vector<uint32_t> path;
    std::function<bool(uint32_t)> visit = [&](uint32_t rule) {
      if (!meta_orders_.count(rule)) return false;  // its expression did not parse
      if (state[rule] == 2) return true;
      if (state[rule] == 1) {
        auto from = std::find(path.begin(), path.end(), rule);
        std::string chain;
        for (auto it = from; it != path.end(); ++it) chain += rules_[*it].name + " -> ";
        const uint32_t at = *from;
        error(directive_at(meta_orders_[at]), "meta " + rules_[at].name + ": cycle " + chain + rules_[rule].name);
        return false;
      }
      state[rule] = 1;
      path.push_back(rule);
      bool ok = true;
      for (const MetaOp& op : metas_[meta_orders_[rule]].program)
        if (op.code == MetaOp::rule && rules_[op.rule_index].kind == RuleKind::meta && !unresolved_.count(rule))
          ok = visit(op.rule_index) && ok;
      path.pop_back();
      state[rule] = 2;
      if (ok && !unresolved_.count(rule)) compiled_.metas.push_back(
            {rule, metas_[meta_orders_[rule]].program, directive_at(meta_orders_[rule]).directive.text});
      return ok;
    };
    for (const auto& [rule, order] : meta_orders_) visit(rule);
  }

  void check_thresholds() {
    if (compiled_.hold < compiled_.reject) return;
    const std::string message = "threshold hold (" + format_number(compiled_.hold) +
                                ") must be below threshold reject (" + format_number(compiled_.reject) + ")";
    if (last_threshold_) error(*last_threshold_, message);
  }

  const LocatedDirective& directive_at(size_t order) const {
    return *std::find_if(sources_.directives.begin(), sources_.directives.end(),
                         [&](const LocatedDirective& d) { return d.order == order; });
  }

  RuleSources sources_;
  std::vector<LocatedError> errors_;
  std::vector<RuleInfo> rules_;
  std::map<std::string, uint32_t, std::less<>> index_;
  CompiledRules compiled_;
  std::vector<RegexLiterals> literals_;  // per compiled regex
  std::map<size_t, MetaExpression> metas_;  // parsed meta expressions by directive order
  std::map<uint32_t, size_t> meta_orders_;  // meta rule index → directive order
  std::set<uint32_t> unresolved_;           // metas naming an unknown rule
  const LocatedDirective* last_threshold_ = nullptr;
};

}  // namespace

std::vector<ScoreBand> default_learned_bands() { return {{0.5, 3}, {0.65, 5}}; }

const char* rule_kind_name(RuleKind kind) {
  switch (kind) {
    case RuleKind::builtin: return "builtin";
    case RuleKind::links: return "links";
    case RuleKind::regex: return "regex";
    case RuleKind::list: return "list";
    case RuleKind::meta: return "meta";
    case RuleKind::learned: return "learned";
    case RuleKind::script: return "script";
  }
  return "regex";
}

RuleSet::RuleSet(std::vector<RuleInfo> rules, CompiledRules compiled, std::vector<std::string> source_files)
    : rules_(std::move(rules)), compiled_(std::move(compiled)), source_files_(std::move(source_files)) {}

const RuleInfo* RuleSet::find(std::string_view name) const {
  for (const RuleInfo& info : rules_)
    if (info.name == name) return &info;
  return nullptr;
}

RuleLoad load_rules(const std::vector<std::string>& files) {
  try {
    return Compiler(read_rule_sources(files)).run();
  } catch (const std::exception& e) {  // out of memory, filesystem errors
    return RuleLoad{nullptr, {std::string("cannot load rules: ") + e.what()}};
  }
}

}  // namespace spamgate
