// Field: which part of a Submission a rule looks at, and how a rule file
// names it. Pure lookups; never copies a submission's text.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "form/submission.h"

namespace spamgate {

enum class Field { author, email, url, subject, body, ip, user_agent, referer, any };

// The fields a regex rule on `any` searches, in the order the first hit is reported.
inline constexpr std::array<Field, 5> kTextFields = {Field::author, Field::email, Field::url, Field::subject,
                                                     Field::body};

// The fields a `list ... any` searches: WordPress's "Disallowed Comment Keys"
// fields (author, email, url, comment, IP, user agent) plus the contact
// form's subject, which a comment never has.
inline constexpr std::array<Field, 7> kListFields = {Field::author, Field::email, Field::url,       Field::subject,
                                                     Field::body,   Field::ip,    Field::user_agent};

// The rule-file name of a field ("user_agent"), and back; nullopt for an unknown name.
std::string_view field_name(Field field);
std::optional<Field> parse_field(std::string_view name);

// The text of one concrete field (not `any`) of `submission`.
const std::string& field_text(const Submission& submission, Field field);

}  // namespace spamgate
