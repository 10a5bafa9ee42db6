// ModelStore: keeps the learner's last full rebuild in the SQLite store (one
// row), with the feedback row id it covers, so a restart loads it instead
// of retraining from the whole feedback log. It stores bytes it does not
// interpret; the feedback log stays the source of truth and the learner
// decides whether a stored model still fits it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "store/database.h"

namespace spamgate {

struct StoredModel {
  std::string fingerprint;  // the features and settings the state was trained with
  int64_t covers_id = 0;    // the newest feedback row id it was trained on
  int64_t covers_rows = 0;  // how many feedback rows there were then
  std::string state;        // the trainer's state, as ModelTrainer::encode_state() wrote it
  int64_t saved_at = 0;     // unix seconds
  int64_t rebuild_ms = 0;   // how long training it took (the learner paces rebuilds by it)
};

class ModelStore {
 public:
  // Opens (and migrates) the store at `path` with a connection of its own.
  static Result<std::unique_ptr<ModelStore>> open(const std::string& path);

  // The stored model; nullopt when none was saved yet.
  Result<std::optional<StoredModel>> load();
  // Replaces the stored model.
  Status save(const StoredModel& model);

 private:
  explicit ModelStore(Database db) : db_(std::move(db)) {}
  Database db_;  // one writer: the learner's rebuild, one at a time
};

}  // namespace spamgate
