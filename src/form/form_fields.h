// Form field mapping: which fields of a form plugin's submission are the
// author, e-mail, URL, subject and body. A form is data (a FieldMap of the
// names to try), and where the names say nothing the roles are guessed
// from each field's name (English and Japanese words) and value shape.
// It only reads the fields: nothing is dropped, renamed or invented.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "form/submission.h"

namespace spamgate {

// The names a form uses for each role, tried in order; the first present
// (non-empty) one wins. An empty list, or none present, means "guess".
using FieldMap = FormFieldNames;

// What the form plugin sends besides the visitor's own input: names
// matched exactly or, ending in '*', by prefix (e.g. "gform_*"). Never
// guessed as a role. Names starting with '_' are always skipped too.
using MetaFields = std::vector<std::string>;

// True when `name` is one of `meta` (exactly or by a trailing-'*' prefix)
// or starts with '_'.
bool is_meta_field(std::string_view name, const MetaFields& meta);

// True for a field that holds a password ("pass" in its name, any case):
// never scored as text and never kept.
bool is_password_field(std::string_view name);

// Fills submission.author/email/url/subject/body from submission.raw_form:
// `map`'s names first, then guesses among the fields that are not meta and
// not in `skip` (the token and honeypot fields):
//   email   a name holding "mail" / "メール", else the first value shaped
//           like one address (local@domain.tld, no spaces);
//   body    a name holding message/body/comment/content/inquiry/enquiry/
//           text/内容/本文/メッセージ/お問い合わせ/問い合わせ/ご用件/ご質問/
//           コメント/相談, else the longest remaining value with 20+ bytes;
//   subject subject/title/topic/件名/題名/タイトル/用件;
//   author  name/author/氏名/名前/お名前/ニックネーム (not user*name of a
//           registration form when that preset maps it);
//   url     url/website/homepage/ホームページ/サイト.
// A field already given a role is never guessed for another one. The
// visitor's other fields (not meta, not skipped, not a password) are then
// appended to the body, each after a blank line, so rules score them too.
void map_form_fields(Submission& submission, const FieldMap& map, const MetaFields& meta,
                     const std::vector<std::string>& skip);

}  // namespace spamgate
