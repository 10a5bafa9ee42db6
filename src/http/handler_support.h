// Handler support: small answers shared by the submission handlers (the
// comment, contact and form endpoints). Never echoes submitted text.
#pragma once

#include <string>

#include "http/http_request.h"
#include "http/http_response.h"

namespace spamgate {

struct RequestLog;

// A 4xx page with a one-line reason; the log's outcome becomes client_error.
HttpResponse form_error_response(int status, const std::string& reason, RequestLog& log);

// Where a discarded submission is sent: back to the page it came from when
// that page is on this site (the Referer), as WordPress does after a
// successful post, else "/". The site is the Host header, with the server
// port when the header has none (nginx may pass $host, which drops it).
std::string discard_location(const HttpRequest& request);

}  // namespace spamgate
