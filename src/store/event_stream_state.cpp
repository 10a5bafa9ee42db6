#include "store/event_stream_state.h"

#include "store/migrations.h"

namespace spamgate {

Result<std::unique_ptr<EventStreamState>> EventStreamState::open(const std::string& path) {
  Result<Database> db = open_store(path);
  if (!db) return Error{db.error()};
  return std::unique_ptr<EventStreamState>(new EventStreamState(std::move(*db)));
}

Result<std::string> EventStreamState::value(const char* key) {
  Result<Statement> st = db_.prepare("SELECT value FROM shared_state WHERE key = ?1");
  if (!st) return Error{st.error()};
  Result<bool> row = st->bind(1, key).step();
  if (!row) return Error{row.error()};
  return *row ? st->column_text(0) : std::string();
}

Status EventStreamState::save_value(const char* key, const std::string& value) {
  Result<Statement> st = db_.prepare(
      "INSERT INTO shared_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  if (!st) return Error{st.error()};
  return st->bind(1, key).bind(2, value).run();
}

Result<std::string> EventStreamState::cursor() { return value("stream_applied"); }
Status EventStreamState::save_cursor(const std::string& id) { return save_value("stream_applied", id); }
Result<std::string> EventStreamState::replaced_through() { return value("stream_replaced_through"); }
Status EventStreamState::save_replaced_through(const std::string& id) { return save_value("stream_replaced_through", id); }

Status EventStreamState::keep(const std::string& kind, const std::string& data) {
  Result<Statement> st = db_.prepare("INSERT INTO shared_pending (op, data) VALUES (?1, ?2)");
  if (!st) return Error{st.error()};
  return st->bind(1, kind).bind(2, data).run();
}

Result<std::vector<PendingEvent>> EventStreamState::pending() {
  Result<Statement> st = db_.prepare("SELECT id, op, data FROM shared_pending ORDER BY id");
  if (!st) return Error{st.error()};
  std::vector<PendingEvent> kept;
  for (;;) {
    Result<bool> row = st->step();
    if (!row) return Error{row.error()};
    if (!*row) return kept;
    kept.push_back({st->column_int(0), st->column_text(1), st->column_text(2)});
  }
}

Result<int64_t> EventStreamState::pending_count() {
  Result<Statement> st = db_.prepare("SELECT count(*) FROM shared_pending");
  if (!st) return Error{st.error()};
  Result<bool> row = st->step();
  if (!row) return Error{row.error()};
  return st->column_int(0);
}

Status EventStreamState::drop(int64_t id) {
  Result<Statement> st = db_.prepare("DELETE FROM shared_pending WHERE id = ?1");
  if (!st) return Error{st.error()};
  return st->bind(1, id).run();
}

Status EventStreamState::replace(int64_t id, const std::string& data) {
  Result<Statement> st = db_.prepare("UPDATE shared_pending SET data = ?1 WHERE id = ?2");
  if (!st) return Error{st.error()};
  return st->bind(1, data).bind(2, id).run();
}

}  // namespace spamgate
