#include "store/migrations.h"

#include <string>

namespace spamgate {

namespace {

// THE schema, one entry per version. Append new versions at the end.
const std::vector<Migration> kMigrations = {
    {1, R"sql(
CREATE TABLE submissions (
  id          TEXT PRIMARY KEY,      -- the request id (SPAMGATE_ID)
  created_at  INTEGER NOT NULL,      -- unix seconds
  endpoint    TEXT NOT NULL,
  kind        TEXT NOT NULL,         -- comment | contact
  ip          TEXT NOT NULL,
  action      TEXT NOT NULL,         -- pass | hold | reject | discard
  score       REAL NOT NULL,
  rules       TEXT NOT NULL,         -- "PHARMA,LINKS_3"
  hits        TEXT NOT NULL,         -- JSON [{rule, score, detail}]
  content     TEXT,                  -- JSON of the text fields; only for hold and reject
  user_agent  TEXT NOT NULL
);
CREATE INDEX submissions_created_at ON submissions (created_at);
CREATE INDEX submissions_action ON submissions (action, created_at);

CREATE TABLE rate_limits (
  ip          TEXT PRIMARY KEY,
  tokens      REAL NOT NULL,
  updated_at  REAL NOT NULL          -- unix seconds, fractional
);

CREATE TABLE body_hashes (
  hash        INTEGER PRIMARY KEY,   -- 64-bit body hash, stored as signed
  seen_at     INTEGER NOT NULL       -- unix seconds
);
CREATE INDEX body_hashes_seen_at ON body_hashes (seen_at);

CREATE TABLE feedback (
  id             INTEGER PRIMARY KEY,
  created_at     INTEGER NOT NULL,   -- unix seconds
  submission_id  TEXT NOT NULL,      -- may name a submission already deleted by retention
  comment_id     INTEGER,            -- WordPress comment id, NULL when not a comment
  decision       TEXT NOT NULL CHECK (decision IN ('spam', 'ham', 'approve')),
  author         TEXT NOT NULL,
  email          TEXT NOT NULL,
  url            TEXT NOT NULL,
  ip             TEXT NOT NULL,
  body           TEXT NOT NULL,
  source         TEXT NOT NULL       -- who decided: "wordpress", "cli", ...
);
CREATE INDEX feedback_created_at ON feedback (created_at);
CREATE INDEX feedback_submission ON feedback (submission_id);
)sql"},
    {2, R"sql(
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  created_at       INTEGER NOT NULL,  -- unix seconds
  kind             TEXT NOT NULL CHECK (kind IN ('notification', 'contact', 'digest', 'alert', 'test')),
  recipients       TEXT NOT NULL,     -- JSON array of envelope recipients (from the config only)
  envelope_from    TEXT NOT NULL,
  subject          TEXT NOT NULL,     -- UTF-8, as composed (for list and digests)
  preview          TEXT NOT NULL,     -- first lines of the body (for list and digests)
  data             BLOB NOT NULL,     -- the full RFC 5322 message, CRLF line ends
  status           TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'held', 'folded')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,  -- unix seconds; when status is queued
  last_reply       TEXT,              -- the server's last reply or the transport error
  sent_at          INTEGER,           -- unix seconds; when status is sent
  digest_id        INTEGER REFERENCES outbox (id)  -- status folded: the digest that listed it
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE mail_caps (
  bucket      TEXT PRIMARY KEY,      -- "all/hour", "all/day", "rcpt/hour/ADDR", "rcpt/day/ADDR"
  tokens      REAL NOT NULL,
  updated_at  REAL NOT NULL          -- unix seconds, fractional
);

CREATE TABLE mail_state (
  key    TEXT PRIMARY KEY,           -- "fold_until", "last_alert_at"
  value  INTEGER NOT NULL            -- unix seconds
);
)sql"},
    {3, R"sql(
-- The learner learns from the feedback log: its kind and subject too, and
-- the latest decision per comment (or submission) is the one in effect.
ALTER TABLE feedback ADD COLUMN kind TEXT NOT NULL DEFAULT 'comment';
ALTER TABLE feedback ADD COLUMN subject TEXT NOT NULL DEFAULT '';
CREATE INDEX feedback_comment ON feedback (comment_id);
)sql"},
    {4, R"sql(
-- The owner's review of a blocked submission (the "Blocked by spamgate"
-- screen): the latest decision stands; a contact message rescued as ham is
-- queued to the owners once.
ALTER TABLE submissions ADD COLUMN decision TEXT CHECK (decision IN ('ham', 'spam'));
ALTER TABLE submissions ADD COLUMN decided_at INTEGER;     -- unix seconds
ALTER TABLE submissions ADD COLUMN delivered_at INTEGER;   -- unix seconds; a rescued contact message was queued
CREATE INDEX submissions_review ON submissions (decision, created_at);
CREATE INDEX feedback_email ON feedback (email COLLATE NOCASE);
)sql"},
    {5, R"sql(
-- Bounce watch: which message each outbox row was, whether it bounced, and
-- every delivery report read from the account's mailbox (each once).
ALTER TABLE outbox ADD COLUMN message_id TEXT;         -- without angle brackets
ALTER TABLE outbox ADD COLUMN bounced_at INTEGER;      -- unix seconds
ALTER TABLE outbox ADD COLUMN bounce_diagnostic TEXT;  -- "5.1.1 user unknown"
CREATE INDEX outbox_message_id ON outbox (message_id);
CREATE TABLE bounces (
  id                   INTEGER PRIMARY KEY,
  received_at          INTEGER NOT NULL,  -- unix seconds, when spamgate read it
  digest               TEXT NOT NULL UNIQUE,  -- SHA-256 of the report: each is handled once
  kind                 TEXT NOT NULL CHECK (kind IN ('bounce', 'complaint')),
  origin               TEXT NOT NULL CHECK (origin IN ('own', 'foreign', 'unknown')),
  outbox_id            INTEGER,           -- own: the message it reports on
  recipient            TEXT NOT NULL,
  status               TEXT NOT NULL,     -- "5.1.1", "" when the report states none
  diagnostic           TEXT NOT NULL,
  original_message_id  TEXT NOT NULL,
  original_from        TEXT NOT NULL,
  original_subject     TEXT NOT NULL,
  reporting_mta        TEXT NOT NULL,
  report_from          TEXT NOT NULL,
  report_subject       TEXT NOT NULL
);
CREATE INDEX bounces_received_at ON bounces (received_at);
CREATE TABLE bounce_state (
  key    TEXT PRIMARY KEY,  -- "last_uid", "last_poll_at", "last_error", "foreign_alert_at"
  value  TEXT NOT NULL
);
)sql"},
    {6, R"sql(
-- Shared state ([shared] redis): how far this node has applied the learning
-- stream, and the decisions it took while Redis was away, waiting to be
-- published to the other nodes.
CREATE TABLE shared_state (
  key    TEXT PRIMARY KEY,  -- "stream_applied"
  value  TEXT NOT NULL
);
CREATE TABLE shared_pending (
  id     INTEGER PRIMARY KEY,
  op     TEXT NOT NULL,     -- "record", "record_all", "forget", "forget_email"
  data   TEXT NOT NULL      -- the event's JSON
);
)sql"},
    {7, R"sql(
-- Bounce watch: a foreign bounce's evidence that the site's own account sent
-- the returned message (its Received chain names the SMTP host, or its DKIM
-- signature is the site's, added there). '' = none: the site's address was
-- only forged, which is counted and never alerted on.
ALTER TABLE bounces ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
)sql"},
    {8, R"sql(
-- The review budget (store/review_budget.h): a blocked submission whose
-- text was not kept says why; the review screen counts them per address.
ALTER TABLE submissions ADD COLUMN not_kept TEXT CHECK (not_kept IN ('client', 'duplicate', 'budget'));
CREATE INDEX submissions_not_kept ON submissions (created_at) WHERE not_kept IS NOT NULL;
)sql"},
    {9, R"sql(
-- The learner's last full rebuild (store/model_store.h), so that a restart
-- loads it and replays only the decisions after covers_id instead of
-- retraining from the whole feedback log. Derived data: dropping it only
-- costs one retrain.
CREATE TABLE learned_model (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  fingerprint  TEXT NOT NULL,     -- the features and settings it was trained with
  covers_id    INTEGER NOT NULL,  -- the newest feedback row id it was trained on
  covers_rows  INTEGER NOT NULL,  -- the feedback rows there were then
  state        BLOB NOT NULL,     -- the trainer's state (scoring/learn/learned_model.h)
  saved_at     INTEGER NOT NULL,  -- unix seconds
  rebuild_ms   INTEGER NOT NULL   -- how long training it took
);
)sql"},
};

Status apply(Database& db, const Migration& migration) {
  Result<Transaction> tx = Transaction::begin(db);
  if (!tx) return Error{tx.error()};
  Result<int> current = schema_version(db);  // re-read under the write lock
  if (!current) return Error{current.error()};
  if (*current >= migration.version) return Status::success();  // another process got here first
  if (Status st = db.exec(migration.sql); !st)
    return Error{"migration " + std::to_string(migration.version) + ": " + st.error()};
  if (Status st = db.exec("PRAGMA user_version = " + std::to_string(migration.version)); !st)
    return Error{"migration " + std::to_string(migration.version) + ": " + st.error()};
  return tx->commit();
}

}  // namespace

const std::vector<Migration>& migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations.empty() ? 0 : kMigrations.back().version; }

Result<int> schema_version(Database& db) {
  Result<Statement> st = db.prepare("PRAGMA user_version");
  if (!st) return Error{st.error()};
  Result<bool> row = st->step();
  if (!row) return Error{row.error()};
  return *row ? static_cast<int>(st->column_int(0)) : 0;
}

Status migrate(Database& db) {
  Result<int> current = schema_version(db);
  if (!current) return Error{db.path() + ": " + current.error()};
  if (*current > latest_schema_version())
    return Error{db.path() + ": database schema version " + std::to_string(*current) +
                 " is newer than this spamgate knows (" + std::to_string(latest_schema_version()) +
                 "); upgrade spamgate or point store.path at another file"};
  for (const Migration& migration : kMigrations) {
    if (migration.version <= *current) continue;
    if (Status st = apply(db, migration); !st) return Error{db.path() + ": " + st.error()};
  }
  return Status::success();
}

Result<Database> open_store(const std::string& path, DatabaseOptions options) {
  Result<Database> db = Database::open(path, options);
  if (!db) return db;
  if (Status st = migrate(*db); !st) return Error{st.error()};
  return db;
}

}  // namespace spamgate
