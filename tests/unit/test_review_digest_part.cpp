// The site's review digest from every node's part: the parts survive the
// trip through JSON (Japanese text included) and sum to one digest.
#include <doctest/doctest.h>

#include "mail/review_digest.h"
#include "mail/review_digest_part.h"

namespace spamgate {
namespace {

SubmissionRecord blocked(int64_t at, const std::string& action, const std::string& rule, const std::string& content) {
  SubmissionRecord r;
  r.created_at = at;
  r.kind = "comment";
  r.action = action;
  r.rules = rule;
  r.content = content;
  return r;
}

ReviewDigestInput part(int64_t since, int64_t held, int64_t rejected, std::vector<RuleCount> reasons,
                       std::vector<SubmissionRecord> items) {
  ReviewDigestInput in;
  in.since = since;
  in.until = since + 600;
  in.held = held;
  in.rejected = rejected;
  in.comments = held + rejected;
  in.reasons = std::move(reasons);
  in.items = std::move(items);
  return in;
}

}  // namespace

TEST_CASE("the site's digest sums every node's part: counts, reasons, the newest items, the nodes") {
  const std::string japanese = R"({"author":"山田太郎","email":"taro@example.jp","body":"激安ブランド品はこちら\n二行目"})";
  const ReviewDigestInput web1 =
      part(1'700'000'000, 1, 2, {{"DUPLICATE", 2}, {"TEST_HOLD", 1}},
           {blocked(1'700'000'100, "reject", "DUPLICATE", japanese)});
  const ReviewDigestInput web2 = part(1'700'000'300, 0, 3, {{"DUPLICATE", 3}},
                                     {blocked(1'700'000'500, "reject", "DUPLICATE", R"({"author":"Bot","body":"x"})")});
  const ReviewDigestInput site =
      merge_review_digest_parts({review_digest_part(web2, "web2"), "not json", review_digest_part(web1, "web1")});
  CHECK(site.held == 1);
  CHECK(site.rejected == 5);
  CHECK(site.comments == 6);
  CHECK(site.since == 1'700'000'000);  // the earliest part's start
  CHECK(site.until == 1'700'000'900);
  REQUIRE(site.reasons.size() == 2);
  CHECK(site.reasons[0].rule == "DUPLICATE");
  CHECK(site.reasons[0].hits == 5);
  REQUIRE(site.items.size() == 2);
  CHECK(site.items[0].created_at == 1'700'000'500);  // newest first, across nodes
  CHECK(site.items[1].content == japanese);
  CHECK(site.nodes == std::vector<std::string>{"web1", "web2"});  // the part that did not parse is left out

  Config config;
  config.mail.from_address = "notify@blog.example";
  config.review.digest = DigestPeriod::daily;
  config.shared.redis = "redis://127.0.0.1:6379";
  config.shared.node = "web1";
  const ReviewDigestText text = review_digest_text(config, site);
  CHECK(text.subject == "[blog.example] spamgate digest: 6 blocked since 2023-11-14 22:13 UTC");  // no node: the site's
  CHECK(text.body.find("Counted on every node that answered: web1 web2\n") != std::string::npos);
  CHECK(text.body.find("山田太郎 <taro@example.jp>") != std::string::npos);
  CHECK(text.body.find("  | 激安ブランド品はこちら\n") != std::string::npos);
  // One node's own digest (Redis did not answer) names the node.
  CHECK(review_digest_text(config, web1).subject.find(" blocked on web1 since ") != std::string::npos);
}

TEST_CASE("the site's digest lists the newest items of all nodes and counts the rest") {
  std::vector<std::string> parts;
  for (int node = 0; node < 3; ++node) {
    std::vector<SubmissionRecord> items;
    for (int i = 0; i < 30; ++i)
      items.push_back(blocked(1'700'000'000 + i * 3 + node, "reject", "TEST_SPAM", R"({"body":"spam"})"));
    ReviewDigestInput in = part(1'700'000'000, 0, 40, {{"TEST_SPAM", 40}}, items);
    in.more = 10;
    parts.push_back(review_digest_part(in, "web" + std::to_string(node + 1)));
  }
  const ReviewDigestInput site = merge_review_digest_parts(parts);
  REQUIRE(site.items.size() == static_cast<size_t>(kReviewDigestItems));
  CHECK(site.items.front().created_at == 1'700'000'000 + 29 * 3 + 2);
  CHECK(site.more == 3 * 10 + (90 - kReviewDigestItems));
  CHECK(site.rejected == 120);
}

}  // namespace spamgate
