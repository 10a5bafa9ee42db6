// Database: one SQLite connection (WAL, busy timeout, foreign keys) and a
// RAII prepared statement with short bind/step/column helpers.
// Never shared between threads without a lock, never throws.
//
// Threading contract: a Database is ONE connection and is not thread-safe.
// Use it from one thread at a time: either give each thread its own
// Database on the same file (WAL lets readers run beside the one writer;
// busy_timeout makes a second writer wait instead of failing), or guard it
// with a mutex. SubmissionLog, StoredHistory's persistence and FeedbackLog
// each own their connections and locks, so callers of those need not care.
//
// Durability: `Synchronous::normal` (the default) in WAL mode makes every
// commit survive a crash of the process (the WAL is written before COMMIT
// returns) but the last commits may roll back on power loss or an OS crash,
// because the WAL is only fsynced at checkpoints. That is right for the
// submission log and rate-limit state (losing a second of them is harmless).
// Mail invariant 5 ("a message is in the outbox before the request is
// answered") must hold across power loss too, so the outbox opens its own
// connection with `Synchronous::full`: each COMMIT on that connection fsyncs
// the WAL before returning. synchronous is per connection, so the log's
// throughput is unaffected; an fsync per notification is cheap at mail rates.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace spamgate {

enum class Synchronous { normal, full };

struct DatabaseOptions {
  Synchronous synchronous = Synchronous::normal;  // see "Durability" above
  int busy_timeout_ms = 5000;  // how long a write waits for another writer's lock
};

// A prepared statement. Move-only; finalized on destruction. Must not
// outlive the Database that prepared it. Bind indexes are 1-based, column
// indexes 0-based, as in SQLite.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Bind a value; text is copied. Chainable: st.bind(1, a).bind(2, b).
  // A bad index is reported by the next step().
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::optional<std::string>& value);  // nullopt binds NULL
  Statement& bind_null(int index);
  Statement& bind_blob(int index, std::string_view bytes);  // read back with column_text()

  // Advances: true when a row is available, false when done; an error
  // carries SQLite's message (and any earlier bind error).
  Result<bool> step();
  // Steps until done (for INSERT/UPDATE/DELETE); rows, if any, are skipped.
  Status run();
  // Resets to run again and clears the bindings.
  void reset();

  int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;  // "" for NULL
  std::optional<std::string> column_optional_text(int column) const;
  bool column_is_null(int column) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  void note_bind(int rc);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string bind_error_;
};

class Database {
 public:
  // Opens (creating it, mode 0600, and its parent directory if needed) the
  // SQLite file at `path` and applies WAL, synchronous, busy_timeout and foreign_keys.
  // Does not migrate the schema (see store/migrations.h). On failure the
  // error is "PATH: reason".
  static Result<Database> open(const std::string& path, DatabaseOptions options = {});

  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;
  ~Database();

  // Prepares one statement. Error: SQLite's message and the SQL's start.
  Result<Statement> prepare(std::string_view sql);
  // Runs one or more statements that return no rows (schema, PRAGMA, BEGIN).
  Status exec(const std::string& sql);
  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int64_t changes() const;
  int64_t last_insert_rowid() const;
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  Database(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

  std::string path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

// A write transaction (BEGIN IMMEDIATE, so the write lock is taken up front
// and busy_timeout applies there rather than at COMMIT). Rolls back on
// destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  // Commits; on failure the transaction is rolled back and the error returned.
  Status commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace spamgate
