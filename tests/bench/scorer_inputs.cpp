#include "scorer_inputs.h"

#include <fstream>
#include <random>
#include <set>
#include <stdexcept>
#include <utility>

#include "scoring/eval.h"
#include "support/cjk_ham.h"
#include "support/comment.h"

namespace spamgate::bench {
namespace {

const char* const kVideos[] = {"Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv",
                               "Youtube04-Eminem.csv", "Youtube05-Shakira.csv"};

std::vector<LabelledComment> youtube_comments(const std::string& corpus_dir) {
  std::vector<LabelledComment> all;
  for (const char* video : kVideos) {
    auto rows = read_labelled_csv(corpus_dir + "/comments/" + video);
    if (!rows) throw std::runtime_error(rows.error());
    all.insert(all.end(), rows->begin(), rows->end());
  }
  return all;
}

// `count` texts of at least `min_bytes`, each made of consecutive comments
// starting where the previous one ended (wrapping around).
std::vector<Submission> joined(const std::vector<LabelledComment>& all, size_t min_bytes, size_t count) {
  std::vector<Submission> out;
  size_t next = 0;
  while (out.size() < count) {
    const std::string author = all[next % all.size()].author;
    std::string body;
    while (body.size() < min_bytes) {
      if (!body.empty()) body += "\n\n";
      body += all[next++ % all.size()].body;
    }
    out.push_back(testing::comment(std::move(body), author, "reader@example.org"));
  }
  return out;
}

std::vector<std::string> vocabulary(const std::vector<LabelledComment>& all) {
  std::set<std::string> words;
  for (const LabelledComment& c : all) {
    std::string word;
    for (char ch : c.body + " ") {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
      if (ch >= 'a' && ch <= 'z') {
        word += ch;
        continue;
      }
      if (word.size() >= 4) words.insert(word);
      word.clear();
    }
  }
  return {words.begin(), words.end()};
}

// The plain words (4 or more lower-case letters) among the entries of the
// WordPress disallowed list: spam vocabulary, rare in the comments.
std::vector<std::string> blocklist_words(const std::string& corpus_dir) {
  std::ifstream list(corpus_dir + "/blocklists/wordpress-comment-blacklist.txt", std::ios::binary);
  if (!list) throw std::runtime_error("cannot read the blocklist in " + corpus_dir);
  std::set<std::string> words;
  for (std::string entry; std::getline(list, entry);)
    if (entry.size() >= 4 && entry.find_first_not_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos)
      words.insert(entry);
  return {words.begin(), words.end()};
}

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

std::vector<CommentClass> corpus_comment_classes(const std::string& corpus_dir) {
  const std::vector<LabelledComment> all = youtube_comments(corpus_dir);
  CommentClass small{"short", {}};
  for (const LabelledComment& c : all)
    if (c.body.size() >= 150 && c.body.size() <= 300)
      small.comments.push_back(testing::comment(c.body, c.author, "reader@example.org"));
  return {small, {"1KB", joined(all, 1000, 64)}, {"16KB", joined(all, 16384, 16)}};
}

std::vector<CommentClass> japanese_comment_classes(const std::string& source_dir) {
  std::vector<LabelledComment> japanese;
  for (const testing::HamComment& c : testing::read_cjk_ham(source_dir))
    if (c.language == "ja") japanese.push_back({c.author, c.body, false});
  if (japanese.empty()) throw std::runtime_error("no Japanese comment in tests/data/cjk-ham.txt");
  return {{"1KB-ja", joined(japanese, 1000, 64)}};
}

std::string synthetic_rules(const std::vector<std::string>& vocabulary, size_t count, unsigned seed) {
  std::mt19937 random(seed);
  auto word = [&] { return vocabulary[std::uniform_int_distribution<size_t>(0, vocabulary.size() - 1)(random)]; };
  auto capital = [](std::string w) {
    w[0] = static_cast<char>(w[0] - 32);
    return w;
  };
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    const std::string name = "SYN_" + std::to_string(i);
    std::string pattern, flags = "i";
    switch (random() % 6) {
      case 0: pattern = "\\b(" + word() + "|" + word() + "|" + word() + ")\\b"; break;
      case 1: pattern = "\\b" + word() + " (" + word() + "|" + word() + ")s?\\b"; break;
      case 2: pattern = "\\b" + capital(word()) + "\\s+" + word() + "\\b", flags = ""; break;
      case 3: pattern = "\\b(" + word() + "|" + word() + ")[ -]?(" + word() + "|" + word() + ")\\b"; break;
      case 4: pattern = "https?:\\/\\/(www\\.)?" + word() + "(" + word() + ")?\\.(com|net|org|info)"; break;
      default: pattern = "\\b" + word() + "\\W+(\\w+\\W+){0,2}" + word() + "\\b"; break;
    }
    out += (random() % 5 == 0 ? "any  " : "body ") + name + " /" + pattern + "/" + flags + "\n";
    out += "score " + name + " " + (random() % 2 ? "1" : "0.5") + "\n";
  }
  return out;
}

std::vector<RuleSetSpec> rule_set_specs(const std::string& source_dir, const std::string& corpus_dir,
                                        const std::filesystem::path& scratch) {
  const std::string default_rules = source_dir + "/rules/default.rules";
  const std::string list = scratch / "wp62k.rules";
  write_file(list, "list WP_DISALLOWED any " + corpus_dir + "/blocklists/wordpress-comment-blacklist.txt\n");
  std::vector<RuleSetSpec> specs = {
      {"default", {default_rules}},
      {"default+ja", {default_rules, source_dir + "/rules/ja.rules"}},
      {"wp62k", {list}},
      {"default+wp62k", {default_rules, list}}};
  const std::pair<std::string, std::vector<std::string>> families[] = {
      {"synthetic", vocabulary(youtube_comments(corpus_dir))}, {"spamwords", blocklist_words(corpus_dir)}};
  for (const auto& [family, words] : families) {
    for (size_t count : {100, 1000, 10000}) {
      const std::string name = family + std::to_string(count);
      const std::string file = scratch / (name + ".rules");
      write_file(file, "threshold hold 5\nthreshold reject 10\n" + synthetic_rules(words, count, 1234));
      specs.push_back({name, {file}});
    }
  }
  return specs;
}

}  // namespace spamgate::bench
