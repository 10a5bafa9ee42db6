// The Lua scripts behind the review mirror (shared/review_mirror.h), one
// call each. Keys live under the mirror's prefix (key_prefix + "review:"):
//   item:ID            hash {row, decision, decided_at}; expires with the row's retention
//   idx:all            every row         idx:undecided / idx:decided   by the owner's decision
//   idx:action:A       by action         idx:kind:K                    by kind
//   idx:listed         all but held comments (those are in WordPress's own lists)
//   idx:listed:undecided / idx:listed:decided   the same by decision (the screen's default list)
//   idx:form:NAME      by form plugin    idx:formid:LEN:NAME:ID        by one form of it
//   idx:rule:RULE      by rule hit       idx:email:SHA256              by the commenter's address
//   rules              the rule names indexed (for the reasons counts of a filtered list)
//   count:SEG          hits per rule of segment SEG's rows: L(isted) or H(eld comment), then U(ndecided) or D(ecided)
//   counted            hash id -> "SEG RULES" as counted (moved on decide, uncounted on erase and expiry)
//   delivered:ID       a rescued message's once-for-the-site claim
//   node:NAME          that node's rows are in (gone when Redis lost its data: the node copies them again)
// Each index is a sorted set of ids scored by created_at, trimmed to the
// retention on every write. The scripts derive index keys from the rows
// they decode (spamgate does not run on Redis Cluster, where a script must
// name every key it touches).
#pragma once

#include "shared/redis_link.h"

namespace spamgate {

// KEYS: the site's erasures (shared/erased_addresses.h). ARGV: prefix, now,
// retention seconds, rows (encode_mirrored_submission). Stores each row
// with its TTL and indexes it, and the row's decision when the mirror has
// none for it; a row whose address was erased at or after it was created
// is not stored. Returns {stored, malformed, erased}.
extern const RedisScript kMirrorRows;

// KEYS: the item. ARGV: prefix, id, decision, decided_at, retention seconds.
// Returns false when the row is not mirrored, else {row, previous decision or ""}.
extern const RedisScript kMirrorDecide;

// KEYS: two scratch keys, then the indexes to intersect (at least one).
// ARGV: prefix, cutoff, since, offset, count, rule or "", lower-cased text
// or "", then the segments ("LU", "HD", ...) whose counts are the reasons
// when the indexes select exactly those segments (else none: the reasons
// are counted by intersection). Returns {total, {{id, row, decision, decided_at}...}, {rule, count, ...}}.
extern const RedisScript kMirrorList;

// KEYS: one index. ARGV: prefix, limit. Returns {{id, row, decision, decided_at}...}, newest first.
extern const RedisScript kMirrorItems;

// KEYS: the e-mail index. ARGV: prefix. Deletes every row of that address
// and its index entries. Returns how many rows.
extern const RedisScript kMirrorErase;

}  // namespace spamgate
