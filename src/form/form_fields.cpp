#include "form/form_fields.h"

#include <array>
#include <initializer_list>

#include "util/ascii.h"

namespace spamgate {
namespace {

enum Role { kEmail, kSubject, kAuthor, kUrl, kBody, kRoleCount };

// Guessing order: the narrowest roles claim a field first, so
// "message-title" is a subject and "your-email" never becomes the author.
constexpr std::array<Role, kRoleCount> kGuessOrder = {kEmail, kSubject, kAuthor, kUrl, kBody};

// Words in a field's name (lowercased) that suggest each role.
const std::vector<std::string_view>& role_words(Role role) {
  static const std::array<std::vector<std::string_view>, kRoleCount> words = {{
      {"mail", "メール"},
      {"subject", "title", "topic", "件名", "題名", "タイトル", "用件"},
      {"name", "author", "氏名", "名前", "ニックネーム"},
      {"url", "website", "homepage", "ホームページ", "サイト"},
      {"message", "body", "comment", "content", "inquiry", "enquiry", "text", "内容", "本文", "メッセージ",
       "問い合わせ", "質問", "コメント", "相談"},
  }};
  return words[role];
}

std::string& role_field(Submission& submission, Role role) {
  switch (role) {
    case kEmail: return submission.email;
    case kSubject: return submission.subject;
    case kAuthor: return submission.author;
    case kUrl: return submission.url;
    case kBody: return submission.body;
    case kRoleCount: break;
  }
  return submission.body;
}

const std::vector<std::string>& mapped_names(const FieldMap& map, Role role) {
  switch (role) {
    case kEmail: return map.email;
    case kSubject: return map.subject;
    case kAuthor: return map.author;
    case kUrl: return map.url;
    case kBody: return map.body;
    case kRoleCount: break;
  }
  return map.body;
}

bool contains_any(std::string_view lowered_name, const std::vector<std::string_view>& words) {
  for (std::string_view word : words)
    if (lowered_name.find(word) != std::string_view::npos) return true;
  return false;
}

// One address: local@domain.tld with no spaces and no second '@'.
bool looks_like_email(std::string_view value) {
  if (value.empty() || value.size() > 254 || value.find_first_of(" \t\r\n<>,;") != std::string_view::npos) return false;
  const size_t at = value.find('@');
  if (at == 0 || at == std::string_view::npos || value.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view domain = value.substr(at + 1);
  const size_t dot = domain.find('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
}

constexpr size_t kMinGuessedBodyBytes = 20;

}  // namespace

bool is_password_field(std::string_view name) { return ascii_lowercase(name).find("pass") != std::string::npos; }

bool is_meta_field(std::string_view name, const MetaFields& meta) {
  if (!name.empty() && name.front() == '_') return true;
  for (const std::string& entry : meta) {
    if (!entry.empty() && entry.back() == '*') {
      if (name.substr(0, entry.size() - 1) == std::string_view(entry).substr(0, entry.size() - 1)) return true;
    } else if (name == entry) {
      return true;
    }
  }
  return false;
}

void map_form_fields(Submission& submission, const FieldMap& map, const MetaFields& meta,
                     const std::vector<std::string>& skip) {
  const FormFields& fields = submission.raw_form;
  std::vector<bool> claimed(fields.size(), false);
  std::array<bool, kRoleCount> filled{};
  auto claim = [&](size_t index, Role role) {
    claimed[index] = true;
    filled[role] = true;
    role_field(submission, role) = fields[index].second;
  };
  // The configured names: the last field of a name wins, as in PHP's $_POST.
  for (Role role : kGuessOrder)
    for (const std::string& name : mapped_names(map, role)) {
      for (size_t i = fields.size(); i-- > 0 && !filled[role];)
        if (fields[i].first == name && !claimed[i] && !fields[i].second.empty()) claim(i, role);
      if (filled[role]) break;
    }
  std::vector<bool> guessable(fields.size(), false);
  std::vector<std::string> lowered(fields.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string& name = fields[i].first;
    bool skipped = is_meta_field(name, meta) || fields[i].second.empty();
    for (const std::string& other : skip) skipped = skipped || name == other;
    guessable[i] = !skipped;
    if (guessable[i]) lowered[i] = ascii_lowercase(name);
  }
  for (Role role : kGuessOrder)
    for (size_t i = 0; i < fields.size() && !filled[role]; ++i)
      if (guessable[i] && !claimed[i] && contains_any(lowered[i], role_words(role))) claim(i, role);
  for (size_t i = 0; i < fields.size() && !filled[kEmail]; ++i)
    if (guessable[i] && !claimed[i] && looks_like_email(fields[i].second)) claim(i, kEmail);
  if (!filled[kBody]) {
    size_t longest = fields.size();
    for (size_t i = 0; i < fields.size(); ++i)
      if (guessable[i] && !claimed[i] && fields[i].second.size() >= kMinGuessedBodyBytes &&
          (longest == fields.size() || fields[i].second.size() > fields[longest].second.size()))
        longest = i;
    if (longest < fields.size()) claim(longest, kBody);
  }
  // Every other field the visitor filled in is scored too, after the body.
  for (size_t i = 0; i < fields.size(); ++i)
    if (guessable[i] && !claimed[i] && !is_password_field(fields[i].first)) {
      if (!submission.body.empty()) submission.body += "\n\n";
      submission.body += fields[i].second;
    }
}

}  // namespace spamgate
