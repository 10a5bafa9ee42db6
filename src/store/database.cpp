#include "store/database.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>
#include <utility>

namespace spamgate {

namespace {

std::string sql_start(std::string_view sql) {
  std::string start(sql.substr(0, 60));
  for (char& c : start)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return sql.size() > 60 ? start + "..." : start;
}

}  // namespace

// ---- Statement ------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::note_bind(int rc) {
  if (rc != SQLITE_OK && bind_error_.empty()) bind_error_ = std::string("bind: ") + sqlite3_errstr(rc);
}

Statement& Statement::bind(int index, int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, double value) {
  note_bind(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  note_bind(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  note_bind(sqlite3_bind_blob64(stmt_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, std::string_view(*value)) : bind_null(index);
}

Statement& Statement::bind_null(int index) {
  note_bind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Result<bool> Statement::step() {
  if (!bind_error_.empty()) return Error{bind_error_};
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error{std::string(sqlite3_errmsg(db_)) + " (" + sql_start(sqlite3_sql(stmt_)) + ")"};
}

Status Statement::run() {
  for (;;) {
    Result<bool> row = step();
    if (!row) return Error{row.error()};
    if (!*row) return Status::success();
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_.clear();
}

int64_t Statement::column_int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::column_double(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::column_optional_text(int column) const {
  if (column_is_null(column)) return std::nullopt;
  return column_text(column);
}

bool Statement::column_is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

// ---- Database -------------------------------------------------------------

void Database::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Result<Database> Database::open(const std::string& path, DatabaseOptions options) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return Error{path + ": cannot create directory " + parent.string() + ": " + ec.message()};
  }
  // SQLite gives -wal and -shm the main file's mode: creating the file 0600
  // first keeps commenters' data and every mail's text from other local
  // users whatever the umask (an existing file keeps its mode). O_EXCL: a
  // file this process already has open is never opened and closed here,
  // since closing any descriptor of a file drops every POSIX lock the
  // process holds on it, the locks SQLite's other connections rely on (the
  // WAL was deleted under a live connection).
  if (const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600); fd >= 0) ::close(fd);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  Database db(path, raw);  // owns raw even when open failed
  if (rc != SQLITE_OK)
    return Error{path + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))};
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);

  // journal_mode answers with the mode in effect; anything but "wal" means
  // the file cannot do WAL (e.g. a network file system without shared memory).
  {
    Result<Statement> wal = db.prepare("PRAGMA journal_mode=WAL");
    if (!wal) return Error{path + ": " + wal.error()};
    Result<bool> row = wal->step();
    if (!row) return Error{path + ": " + row.error()};
    std::string mode = *row ? wal->column_text(0) : "nothing";
    if (mode != "wal") return Error{path + ": cannot switch to WAL journal mode (got " + mode + ")"};
  }
  std::string pragmas = std::string("PRAGMA synchronous=") +
                        (options.synchronous == Synchronous::full ? "FULL" : "NORMAL") + "; PRAGMA foreign_keys=ON;";
  if (Status st = db.exec(pragmas); !st) return Error{path + ": " + st.error()};
  return db;
}

Database::~Database() = default;

Result<Statement> Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error{std::string(sqlite3_errmsg(db_.get())) + " (" + sql_start(sql) + ")"};
  }
  return Statement(db_.get(), stmt);
}

Status Database::exec(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::success();
  std::string error = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Error{error + " (" + sql_start(sql) + ")"};
}

int64_t Database::changes() const { return sqlite3_changes64(db_.get()); }

int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

// ---- Transaction ----------------------------------------------------------

Result<Transaction> Transaction::begin(Database& db) {
  if (Status st = db.exec("BEGIN IMMEDIATE"); !st) return Error{st.error()};
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) db_->exec("ROLLBACK");
}

Status Transaction::commit() {
  Database* db = std::exchange(db_, nullptr);
  Status st = db->exec("COMMIT");
  if (!st) db->exec("ROLLBACK");
  return st;
}

}  // namespace spamgate
