// The shared event stream (shared/event_stream.h) against a real
// redis-server, with a notebook as its owner: every node applies every
// note in the same order, a restarted node replays only what is past its
// cursor, a late node starts from the compacted snapshot, and a note taken
// while Redis is away is kept in SQLite and published once it is back.
// Also this node's side in SQLite (store/event_stream_state.h) alone.
#include <doctest/doctest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/redis_test_server.h"
#include "shared/event_stream.h"
#include "shared/redis_link.h"
#include "store/event_stream_state.h"
#include "support/temp_dir.h"
#include "util/ascii.h"

namespace spamgate {
namespace {

using namespace testing;  // RedisServer, link_to, TempDir

// The stream's owner in these tests: notes ("note" events) in the order
// applied; anything else is malformed. Its snapshot is every note so far.
struct Notebook final : EventSink {
  std::vector<std::string> notes;
  int refreshes = 0;  // applied() calls

  AppliedEvent apply(const StreamEvent& event) override {
    if (event.kind != "note") return {false, Error{"not a note"}};
    notes.push_back(event.data);
    return {true, static_cast<int64_t>(notes.size())};
  }
  void applied(int) override { ++refreshes; }
  Result<std::string> snapshot(const std::string& covers) override {
    return nlohmann::json{{"covers", covers}, {"notes", notes}}.dump();
  }
  SnapshotLoad load_snapshot(std::string_view text, const std::string& covers, bool /*merge*/) override {
    const nlohmann::json in = nlohmann::json::parse(text, nullptr, false);
    if (!in.is_object() || !in["notes"].is_array()) return {SnapshotLoad::Outcome::malformed, "not a notebook"};
    if (in["covers"] != covers) return {SnapshotLoad::Outcome::failed, "being replaced"};
    notes = in["notes"].get<std::vector<std::string>>();
    return {SnapshotLoad::Outcome::loaded, ""};
  }
};

// One node: its own store, notebook and stream on a shared Redis.
struct NoteNode {
  testing::TempDir dir{"spamgate-stream"};
  RedisLink link;
  Notebook notebook;
  std::unique_ptr<EventStream> stream;

  NoteNode(int port, const std::string& name, int snapshot_every = 1000) : link(link_to(port, name)) {
    reopen(snapshot_every);
  }
  // A restart: the same store, a notebook that remembers what it applied.
  void reopen(int snapshot_every = 1000) {
    stream.reset();
    auto opened = EventStream::open(dir / "spamgate.db", link, notebook, {"notes", "note", snapshot_every});
    if (!opened) FAIL(opened.error());
    stream = std::move(*opened);
  }
  Result<int64_t> write(const std::string& note) {
    return stream->append({"note", note}, [this, note] { return apply_here(note); });
  }
  Result<int64_t> apply_here(const std::string& note) {
    notebook.notes.push_back(note);
    return static_cast<int64_t>(notebook.notes.size());
  }
  int64_t pending() {
    auto state = EventStreamState::open(dir / "spamgate.db");
    REQUIRE(state.ok());
    auto count = (*state)->pending_count();
    REQUIRE(count.ok());
    return *count;
  }
};

const std::vector<std::string> kNotes = {"はじめまして。素敵な記事でした", "plain ASCII", "絵文字も 🙂 大丈夫"};

TEST_CASE("event stream: notes appended on two nodes are applied by both in one order, Japanese intact") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  NoteNode a(server.port(), "a"), b(server.port(), "b");
  auto first = a.write(kNotes[0]);
  REQUIRE(first.ok());
  CHECK(*first == 1);  // the sink's answer for the note, once applied here
  REQUIRE(b.write(kNotes[1]).ok());
  REQUIRE(a.write(kNotes[2]).ok());
  REQUIRE(a.stream->sync().ok());
  REQUIRE(b.stream->sync().ok());
  CHECK(a.notebook.notes == kNotes);
  CHECK(b.notebook.notes == kNotes);
  CHECK(a.stream->position() == b.stream->position());
  CHECK(b.notebook.refreshes > 0);
}

TEST_CASE("event stream: a restarted node replays only the entries past its cursor") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  NoteNode a(server.port(), "a"), b(server.port(), "b");
  REQUIRE(a.write(kNotes[0]).ok());
  REQUIRE(b.stream->sync().ok());
  const std::string cursor = b.stream->position();
  CHECK_FALSE(cursor.empty());

  b.reopen();
  CHECK(b.stream->position() == cursor);  // kept in SQLite
  REQUIRE(a.write(kNotes[1]).ok());
  auto applied = b.stream->sync();
  REQUIRE(applied.ok());
  CHECK(*applied == 1);
  CHECK(b.notebook.notes == std::vector<std::string>{kNotes[0], kNotes[1]});  // the first one not again
}

TEST_CASE("event stream: a late node starts from the compacted snapshot and the entries after it") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  NoteNode a(server.port(), "a", 3);
  for (int i = 1; i <= 5; ++i) REQUIRE(a.write("メモ " + std::to_string(i)).ok());
  auto not_yet = NoteNode(server.port(), "x", 10).stream->compact();  // 5 entries, under its threshold
  REQUIRE(not_yet.ok());
  CHECK_FALSE(*not_yet);
  auto compacted = a.stream->compact();
  REQUIRE(compacted.ok());
  CHECK(*compacted);
  auto length = a.link.run({"XLEN", a.link.key("notes:stream")});
  REQUIRE(length.ok());
  CHECK(length->integer <= 1);  // trimmed behind the snapshot
  REQUIRE(a.write("スナップショットのあと").ok());

  NoteNode c(server.port(), "c", 3);
  REQUIRE(c.stream->sync().ok());
  CHECK(c.notebook.notes == a.notebook.notes);
  CHECK(c.notebook.notes.size() == 6);
  CHECK(c.stream->position() == a.stream->position());
}

TEST_CASE("event stream: a note taken while Redis is away is applied at once, kept, and published once it is back") {
  if (!have_redis()) return;
  const int port = unused_port();
  NoteNode a(port, "a"), b(port, "b");
  REQUIRE(a.write(kNotes[0]).ok());  // no Redis at all yet
  CHECK(a.notebook.notes.size() == 1);
  CHECK(a.pending() == 1);
  CHECK_FALSE(a.stream->sync().ok());

  RedisServer server(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // past the link's first backoff
  REQUIRE(a.link.ping().ok());
  REQUIRE(a.stream->sync().ok());
  CHECK(a.pending() == 0);  // the queue is drained
  REQUIRE(b.stream->sync().ok());
  CHECK(b.notebook.notes == std::vector<std::string>{kNotes[0]});
  CHECK(a.notebook.notes == std::vector<std::string>{kNotes[0]});  // not applied twice where it was taken
  CHECK(a.stream->events_applied() == 0);
  CHECK(b.stream->events_applied() == 1);
}

TEST_CASE("event stream: a malformed entry is skipped and counted, and the cursor moves past it") {
  if (!have_redis()) return;
  RedisServer server(unused_port());
  NoteNode a(server.port(), "a");
  REQUIRE(a.link.run({"XADD", a.link.key("notes:stream"), "*", "op", "scribble", "data", "?", "node", "z"}).ok());
  REQUIRE(a.write(kNotes[1]).ok());
  CHECK(a.stream->events_malformed() == 1);
  CHECK(a.notebook.notes == std::vector<std::string>{kNotes[1]});
  auto again = a.stream->sync();
  REQUIRE(again.ok());
  CHECK(*again == 0);
}

// A note's lines without those that mention `text`; nullopt when none is
// left (the notes of these tests are lines by several people).
std::optional<StreamEvent> lines_without(const StreamEvent& event, const std::string& text) {
  std::istringstream in(event.data);
  std::string line, kept;
  while (std::getline(in, line))
    if (ascii_lowercase(line).find(text) == std::string::npos) kept += (kept.empty() ? "" : "\n") + line;
  if (kept.empty()) return std::nullopt;
  return StreamEvent{event.kind, kept};
}

// Notes as one line each, to compare and print.
std::string listed(const std::vector<std::string>& notes) {
  std::string out;
  for (const std::string& note : notes) out += note + " | ";
  return out;
}

TEST_CASE("event stream: an erasure takes only what mentions it out of the entries and kept events; every node applies each once") {
  if (!have_redis()) return;
  const int port = unused_port();
  NoteNode a(port, "a");
  REQUIRE(a.write("山田 Taro@Example.jp より\n鈴木: 留守中のメモ").ok());  // kept: no Redis yet
  REQUIRE(a.write("taro@example.jp だけ").ok());
  const auto erase_taro = [](const StreamEvent& event) { return lines_without(event, "taro@example.jp"); };
  REQUIRE(a.stream->erase_from_kept("taro@example.jp", erase_taro).ok());
  CHECK(a.pending() == 1);  // the note only about Taro went; the other keeps 鈴木's line

  RedisServer server(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  REQUIRE(a.link.ping().ok());
  NoteNode behind(port, "behind"), middle(port, "middle"), current(port, "current");
  REQUIRE(a.write("佐藤: ありがとう").ok());  // then publishes the kept note
  REQUIRE(behind.stream->sync().ok());        // has applied up to here
  REQUIRE(a.write("taro@example.jp: 宣伝です\n花子: 素敵な記事").ok());
  REQUIRE(middle.stream->sync().ok());  // ... up to here, the first note that mentions Taro
  REQUIRE(a.write("次郎: 参考になりました").ok());
  REQUIRE(a.write("TARO@example.jp again").ok());
  REQUIRE(current.stream->sync().ok());  // ... all of it
  REQUIRE(a.link.run({"SET", a.link.key("notes:snapshot"), R"({"notes":["taro@example.jp"]})"}).ok());
  const auto rewrite = [](const std::string&) -> Result<std::string> { return std::string(R"({"notes":[]})"); };
  REQUIRE(a.stream->scrub("taro@example.jp", erase_taro, rewrite).ok());
  auto again = a.stream->sync();  // the node that erased had applied everything: no copy again
  REQUIRE(again.ok());
  CHECK(*again == 0);
  REQUIRE(a.write("あとの話").ok());

  auto left = a.link.run({"XRANGE", a.link.key("notes:stream"), "-", "+"});
  REQUIRE(left.ok());
  for (const RedisReply& entry : left->elements)
    for (const RedisReply& field : entry.elements[1].elements) CHECK(ascii_lowercase(field.str).find("taro") == std::string::npos);
  auto snapshot = a.link.run({"GET", a.link.key("notes:snapshot")});
  REQUIRE(snapshot.ok());
  CHECK(snapshot->str == R"({"notes":[]})");

  for (NoteNode* node : {&behind, &middle, &current}) REQUIRE(node->stream->sync().ok());
  // What each had applied before stays; what it had not, it gets without Taro; nothing twice.
  CHECK(listed(behind.notebook.notes) ==
        listed({"佐藤: ありがとう", "鈴木: 留守中のメモ", "花子: 素敵な記事", "次郎: 参考になりました", "あとの話"}));
  CHECK(listed(middle.notebook.notes) == listed({"佐藤: ありがとう", "鈴木: 留守中のメモ",
                                                          "taro@example.jp: 宣伝です\n花子: 素敵な記事",
                                                          "次郎: 参考になりました", "あとの話"}));
  const std::vector<std::string> all = {"佐藤: ありがとう", "鈴木: 留守中のメモ", "taro@example.jp: 宣伝です\n花子: 素敵な記事",
                                        "次郎: 参考になりました", "TARO@example.jp again", "あとの話"};
  CHECK(listed(current.notebook.notes) == listed(all));
  CHECK(a.stream->position() == behind.stream->position());
}

TEST_CASE("event stream state: the cursor survives a reopen; the pending queue keeps Japanese payloads in order") {
  testing::TempDir dir;
  {
    auto state = EventStreamState::open(dir / "spamgate.db");
    REQUIRE(state.ok());
    auto empty = (*state)->cursor();
    REQUIRE(empty.ok());
    CHECK(empty->empty());
    REQUIRE((*state)->save_cursor("1700000000000-0").ok());
    REQUIRE((*state)->save_cursor("1700000000001-2").ok());
    REQUIRE((*state)->keep("note", "一つ目").ok());
    REQUIRE((*state)->keep("note", "二つ目 SATO@example.jp").ok());
    REQUIRE((*state)->keep("note", "三つ目").ok());
  }
  auto state = EventStreamState::open(dir / "spamgate.db");
  REQUIRE(state.ok());
  auto cursor = (*state)->cursor();
  REQUIRE(cursor.ok());
  CHECK(*cursor == "1700000000001-2");
  auto kept = (*state)->pending();
  REQUIRE(kept.ok());
  REQUIRE(kept->size() == 3);
  REQUIRE((*state)->replace((*kept)[1].id, "二つ目（消去済み）").ok());
  kept = (*state)->pending();
  REQUIRE(kept.ok());
  REQUIRE(kept->size() == 3);
  CHECK((*kept)[0].data == "一つ目");
  CHECK((*kept)[1].data == "二つ目（消去済み）");
  CHECK((*kept)[2].data == "三つ目");
  REQUIRE((*state)->drop((*kept)[0].id).ok());
  auto count = (*state)->pending_count();
  REQUIRE(count.ok());
  CHECK(*count == 2);
}

}  // namespace
}  // namespace spamgate
