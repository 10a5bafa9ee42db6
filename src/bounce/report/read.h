// Private to the bounce-report parser (src/bounce/report/): the stages in
// their order, from a parsed message to a BounceReport. parse_bounce
// (bounce_report.cpp) calls it on the whole message, the non-standard
// stage on a bounce attached to one. Pure: no I/O.
#pragma once

#include <gmime/gmime.h>

#include <string_view>

#include "bounce/bounce_report.h"

namespace spamgate::bounce_report {

// `raw`: the message's bytes, read where GMime finds no text ("" for an
// attached message); `depth`: the MIME depth its body starts at; `parts`:
// the parts walked so far, across nested messages.
BounceReport read_report(GMimeMessage* message, std::string_view raw, int depth, const BounceParseLimits& limits,
                         int& parts);

}  // namespace spamgate::bounce_report
