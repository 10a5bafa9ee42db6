#include "mail/review_digest_part.h"

#include <algorithm>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "util/json_text.h"

namespace spamgate {
namespace {

using nlohmann::json;

// The counters of a part, by their JSON names.
template <class Input>
auto counters(Input& in) -> std::vector<std::pair<const char*, decltype(&in.held)>> {
  return {{"held", &in.held},       {"rejected", &in.rejected}, {"discarded", &in.discarded},
          {"comments", &in.comments}, {"contact", &in.contact}, {"forms", &in.forms},
          {"more", &in.more},       {"forged_bounces", &in.forged_bounces}};
}

std::optional<ReviewDigestInput> parse_part(const std::string& text) {
  const json part = parse_json_or_discarded(text);
  if (!part.is_object()) return std::nullopt;
  try {
    ReviewDigestInput in;
    in.since = part.at("since").get<int64_t>();
    in.until = part.at("until").get<int64_t>();
    for (auto [name, count] : counters(in)) *count = part.at(name).get<int64_t>();
    for (const json& r : part.at("reasons")) in.reasons.push_back({r.at("rule").get<std::string>(), r.at("hits").get<int64_t>()});
    for (const json& item : part.at("items")) {
      SubmissionRecord r;
      r.created_at = item.at("created_at").get<int64_t>();
      r.kind = item.at("kind").get<std::string>();
      r.action = item.at("action").get<std::string>();
      r.rules = item.at("rules").get<std::string>();
      if (item.at("content").is_string()) r.content = item.at("content").get<std::string>();
      in.items.push_back(std::move(r));
    }
    in.nodes = {part.at("node").get<std::string>()};
    return in;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string review_digest_part(const ReviewDigestInput& in, const std::string& node) {
  json part = {{"node", node}, {"since", in.since}, {"until", in.until}};
  for (auto [name, count] : counters(in)) part[name] = *count;
  part["reasons"] = in.reasons;
  part["items"] = json::array();
  for (const SubmissionRecord& r : in.items)
    part["items"].push_back({{"created_at", r.created_at}, {"kind", r.kind}, {"action", r.action},
                             {"rules", r.rules}, {"content", r.content ? json(*r.content) : json()}});
  return json_text(part);
}

ReviewDigestInput merge_review_digest_parts(const std::vector<std::string>& parts) {
  ReviewDigestInput all;
  std::map<std::string, int64_t> reasons;
  for (const std::string& text : parts) {
    std::optional<ReviewDigestInput> part = parse_part(text);
    if (!part) continue;
    all.since = all.nodes.empty() ? part->since : std::min(all.since, part->since);
    all.until = std::max(all.until, part->until);
    auto sums = counters(all);
    auto adds = counters(*part);
    for (size_t i = 0; i < sums.size(); ++i) *sums[i].second += *adds[i].second;
    for (const RuleCount& r : part->reasons) reasons[r.rule] += r.hits;
    std::move(part->items.begin(), part->items.end(), std::back_inserter(all.items));
    all.nodes.push_back(part->nodes.front());
  }
  for (const auto& [rule, hits] : reasons) all.reasons.push_back({rule, hits});
  std::stable_sort(all.reasons.begin(), all.reasons.end(),
                   [](const RuleCount& a, const RuleCount& b) { return a.hits > b.hits; });
  std::stable_sort(all.items.begin(), all.items.end(),
                   [](const SubmissionRecord& a, const SubmissionRecord& b) { return a.created_at > b.created_at; });
  if (all.items.size() > static_cast<size_t>(kReviewDigestItems)) {
    all.more += static_cast<int64_t>(all.items.size()) - kReviewDigestItems;
    all.items.resize(kReviewDigestItems);
  }
  std::sort(all.nodes.begin(), all.nodes.end());
  return all;
}

}  // namespace spamgate
