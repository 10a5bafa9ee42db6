// One node's part of the site's review digest, as the JSON the nodes leave
// in Redis (shared/site_mail_claims.h), and the merge of every node's part
// into the one digest the site mails. Pure: no store, no Redis, no mail.
#pragma once

#include <string>
#include <vector>

#include "mail/review_digest.h"
#include "util/result.h"

namespace spamgate {

// `input` as the part of node `node`.
std::string review_digest_part(const ReviewDigestInput& input, const std::string& node);

// The parts as one digest: counts and reasons summed, the newest items of
// all, since the earliest part. Parts that do not parse are skipped (a
// node of another version); `nodes` names the nodes that took part.
ReviewDigestInput merge_review_digest_parts(const std::vector<std::string>& parts);

}  // namespace spamgate
