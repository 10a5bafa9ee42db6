// scripts/bench: the request bodies wrk posts, built from the YouTube Spam
// Collection in the shared corpus (read in place, never copied into the
// project): one urlencoded comment form per line, without author and
// e-mail (post_comments.lua adds a distinct pair per request).
#pragma once

#include <string>
#include <vector>

namespace bench {

struct BodyFiles {
  std::string spam;      // spam rows, each with the honeypot field filled as bots do
  std::string ham;       // ham rows, as a person's browser sends them
  size_t spam_rows = 0;
  size_t ham_rows = 0;
};

// The five videos' labelled CSV files in the shared corpus, in order.
std::vector<std::string> youtube_corpora();

// Writes spam.txt and ham.txt into `dir` for a post `post_id`. Throws
// std::runtime_error when the corpus cannot be read.
BodyFiles write_body_files(const std::string& dir, int post_id);

}  // namespace bench
