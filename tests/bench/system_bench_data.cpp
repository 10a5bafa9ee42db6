#include "system_bench_data.h"

#include <filesystem>
#include <stdexcept>

#include "harness/http_client.h"
#include "harness/process.h"
#include "scoring/eval.h"

namespace bench {

std::vector<std::string> youtube_corpora() {
  const std::filesystem::path corpus = std::filesystem::path(SPAMGATE_CORPUS_DIR) / "comments";
  std::vector<std::string> paths;
  for (const char* name : {"Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv",
                           "Youtube04-Eminem.csv", "Youtube05-Shakira.csv"})
    paths.push_back((corpus / name).string());
  return paths;
}

BodyFiles write_body_files(const std::string& dir, int post_id) {
  std::string spam;
  std::string ham;
  std::filesystem::create_directories(dir);
  BodyFiles files{dir + "/spam.txt", dir + "/ham.txt"};
  const std::string tail = "&url=&comment_post_ID=" + std::to_string(post_id) + "&comment_parent=0";
  for (const std::string& path : youtube_corpora()) {
    auto rows = spamgate::read_labelled_csv(path);
    if (!rows) throw std::runtime_error(rows.error());
    for (const spamgate::LabelledComment& row : *rows) {
      const std::string form = "comment=" + harness::form_encode(row.body) + tail;
      if (row.spam) {
        // The hidden field a person never sees: bots fill every input.
        spam += form + "&sg_website=" + harness::form_encode("http://cheap-followers.example/") + "\n";
        ++files.spam_rows;
      } else {
        ham += form + "\n";
        ++files.ham_rows;
      }
    }
  }
  harness::write_file(files.spam, spam);
  harness::write_file(files.ham, ham);
  return files;
}

}  // namespace bench
