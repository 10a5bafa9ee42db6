// The run functions of the built-in checks, one per check, for the table in
// builtin_checks.cpp and for tests. Each returns the hit's detail or nullopt;
// each may throw only std::bad_alloc (the table wraps them).
#pragma once

#include <optional>
#include <string>

#include "scoring/checks/builtin_checks.h"

namespace spamgate::checks {

using Finding = std::optional<std::string>;

Finding header_injection(const Submission&, const CheckContext&);  // header_injection.cpp
Finding honeypot(const Submission&, const CheckContext&);          // form_checks.cpp
Finding too_fast(const Submission&, const CheckContext&);          // form_checks.cpp
Finding no_token(const Submission&, const CheckContext&);          // form_checks.cpp
Finding rate_ip(const Submission&, const CheckContext&);           // history_checks.cpp
Finding duplicate(const Submission&, const CheckContext&);         // history_checks.cpp
Finding bbcode_link(const Submission&, const CheckContext&);       // content_checks.cpp
Finding invalid_email(const Submission&, const CheckContext&);     // content_checks.cpp
Finding bad_utf8(const Submission&, const CheckContext&);          // content_checks.cpp
Finding link_only(const Submission&, const CheckContext&);         // link_only.cpp
Finding fuzzy(const Submission&, const CheckContext&);             // fuzzy_check.cpp

}  // namespace spamgate::checks
