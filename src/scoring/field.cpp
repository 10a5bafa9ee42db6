#include "scoring/field.h"

namespace spamgate {
namespace {

constexpr std::array<std::string_view, 9> kNames = {"author", "email",      "url",     "subject", "body",
                                                    "ip",     "user_agent", "referer", "any"};

}  // namespace

std::string_view field_name(Field field) { return kNames[static_cast<size_t>(field)]; }

std::optional<Field> parse_field(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<Field>(i);
  return std::nullopt;
}

const std::string& field_text(const Submission& submission, Field field) {
  switch (field) {
    case Field::author: return submission.author;
    case Field::email: return submission.email;
    case Field::url: return submission.url;
    case Field::subject: return submission.subject;
    case Field::ip: return submission.ip;
    case Field::user_agent: return submission.user_agent;
    case Field::referer: return submission.referer;
    case Field::body:
    case Field::any: break;
  }
  return submission.body;
}

}  // namespace spamgate
