#include "store/model_store.h"

#include "store/migrations.h"

namespace spamgate {

Result<std::unique_ptr<ModelStore>> ModelStore::open(const std::string& path) {
  Result<Database> db = open_store(path);
  if (!db) return Error{db.error()};
  return std::unique_ptr<ModelStore>(new ModelStore(std::move(*db)));
}

Result<std::optional<StoredModel>> ModelStore::load() {
  Result<Statement> st =
      db_.prepare("SELECT fingerprint, covers_id, covers_rows, state, saved_at, rebuild_ms FROM learned_model WHERE id = 1");
  if (!st) return Error{st.error()};
  Result<bool> row = st->step();
  if (!row) return Error{row.error()};
  if (!*row) return std::optional<StoredModel>();
  return std::optional<StoredModel>(
      StoredModel{st->column_text(0), st->column_int(1), st->column_int(2), st->column_text(3), st->column_int(4),
                  st->column_int(5)});
}

Status ModelStore::save(const StoredModel& model) {
  Result<Statement> st = db_.prepare(
      "INSERT INTO learned_model (id, fingerprint, covers_id, covers_rows, state, saved_at, rebuild_ms) "
      "VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, "
      "covers_id = excluded.covers_id, covers_rows = excluded.covers_rows, state = excluded.state, "
      "saved_at = excluded.saved_at, rebuild_ms = excluded.rebuild_ms");
  if (!st) return Error{st.error()};
  st->bind(1, model.fingerprint).bind(2, model.covers_id).bind(3, model.covers_rows);
  st->bind_blob(4, model.state).bind(5, model.saved_at).bind(6, model.rebuild_ms);
  return st->run();
}

}  // namespace spamgate
