// HEADER_INJECTION against public CRLF-injection payloads (fuzzdb,
// PayloadsAllTheThings), and against real names and messages that must not
// trip it. The payload files hold percent-encoded text as it appears in a raw
// urlencoded body; the form layer decodes it once, and so does this test.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "scoring/checks/builtin_checks.h"
#include "support/temp_dir.h"
#include "util/text_decode.h"

using namespace spamgate;

namespace {

const std::filesystem::path kCorpus = SPAMGATE_CORPUS_DIR;

using spamgate::testing::read_file;
using spamgate::testing::read_lines;

std::optional<std::string> header_injection(const Submission& submission) {
  static const ChecksConfig config;
  const CheckContext context{config, "", nullptr, TimePoint{}};
  return builtin_checks().front().run(submission, context);
}

// RFC 4180 records: ',' between fields, '"' quoting with '""' for a quote;
// a quoted field may span lines.
std::vector<std::vector<std::string>> read_csv(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      rows.back().push_back(std::move(field));
      field.clear();
      rows.emplace_back();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(std::move(field));
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

}  // namespace

// Every payload fires. Three carry no line break at all, even decoded:
// "0x0D0x0A", "0x0D0x0D0x0A0x0A" and "\r\n" (also "%5cr%5cn" once decoded)
// spell a line break for a layer that interprets C-style or 0x escapes; one,
// "%25250a", is triple-encoded for a layer that decodes repeatedly; one,
// "%u000a", uses IIS's nonstandard %u escape. No mail software decodes them,
// so they cannot break a header here, but nobody types them into a name,
// address or subject: they are probes, and the check reports them as escaped
// line breaks (or a nested encoding) rather than let them through.
TEST_CASE("every CRLF payload in author, email or subject fires HEADER_INJECTION") {
  size_t files = 0, payloads = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus / "injection")) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".txt" || name.starts_with("LICENSE")) continue;
    ++files;
    for (const std::string& line : read_lines(entry.path())) {
      ++payloads;
      const std::string value = percent_decode_once(line);  // as the form layer decodes the body
      CAPTURE(name);
      CAPTURE(line);
      for (std::string Submission::*field : {&Submission::author, &Submission::email, &Submission::subject}) {
        Submission submission;
        submission.*field = value;
        const auto detail = header_injection(submission);
        REQUIRE(detail.has_value());
        const std::string field_name = field == &Submission::author ? "author: "
                                       : field == &Submission::email ? "email: "
                                                                     : "subject: ";
        CHECK(detail->starts_with(field_name));
      }
    }
  }
  CHECK(files == 2);
  CHECK(payloads == 37);
}

TEST_CASE("the escape-only payloads are reported for what they are") {
  const auto detail = [](const std::string& raw) {
    Submission submission;
    submission.subject = percent_decode_once(raw);
    return header_injection(submission).value_or("");
  };
  CHECK(detail("0x0D0x0A") == "subject: escaped line break \"0x0d0x0a\"");
  CHECK(detail("0x0D0x0D0x0A0x0A") == "subject: escaped line break \"0x0d0x0a\"");
  CHECK(detail("\\r\\n") == "subject: escaped line break \"\\r\\n\"");
  CHECK(detail("%5cr%5cn") == "subject: escaped line break \"\\r\\n\"");
  CHECK(detail("/%u000aSet-Cookie:crlf=injection") == "subject: escaped line break \"%u000a\"");
  CHECK(detail("/%25250aSet-Cookie:crlf=injection") == "subject: line feed under nested percent-encoding");
  CHECK(detail("/%250aSet-Cookie:crlf=injection") == "subject: line feed after percent-decoding");
  CHECK(detail("/%0aSet-Cookie:crlf=injection") == "subject: line feed");
}

// False positives on real text: the authors of the YouTube comments and the
// ham SMS messages used as subjects (both single-line by nature).
TEST_CASE("real names and messages do not fire HEADER_INJECTION") {
  size_t authors = 0;
  std::vector<std::string> fired;
  for (const auto& entry : std::filesystem::directory_iterator(kCorpus / "comments")) {
    if (entry.path().extension() != ".csv") continue;
    const auto rows = read_csv(entry.path());
    for (size_t i = 1; i < rows.size(); ++i) {
      REQUIRE(rows[i].size() >= 2);
      Submission submission;
      submission.author = rows[i][1];
      ++authors;
      if (auto detail = header_injection(submission)) fired.push_back(submission.author + " => " + *detail);
    }
  }
  size_t messages = 0;
  for (const std::string& line : read_lines(kCorpus / "comments" / "SMSSpamCollection.tsv")) {
    if (!line.starts_with("ham\t")) continue;
    Submission submission;
    submission.subject = line.substr(4);
    ++messages;
    if (auto detail = header_injection(submission)) fired.push_back(submission.subject + " => " + *detail);
  }
  CHECK(authors == 1956);
  CHECK(messages > 4000);
  CHECK_MESSAGE(fired.empty(), fired.size() << " false positives, first: " << (fired.empty() ? "" : fired[0]));
}
