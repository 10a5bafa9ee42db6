// Which of a request's FastCGI params spamgate passes on to PHP-FPM: an
// allowlist of the CGI/1.1 params PHP and WordPress read, with
// SCRIPT_FILENAME and DOCUMENT_ROOT pinned to the configured WordPress
// folder. Anyone who can connect to spamgate's socket chooses every param
// it receives, so this must never pass a param that picks the script PHP
// runs (SCRIPT_FILENAME, PATH_TRANSLATED) or changes PHP's settings
// (PHP_VALUE, PHP_ADMIN_VALUE), never a forged verdict (SPAMGATE_*,
// HTTP_X_SPAMGATE_*) and never HTTP_PROXY (httpoxy). Allocates only the
// returned vector; the views point into the caller's strings.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "config/config.h"
#include "upstream/fcgi_records.h"

namespace spamgate::fcgi {

using ParamView = std::pair<std::string_view, std::string_view>;

// True when a param of this name, as the web server sent it, goes on to PHP-FPM.
bool forwarded_cgi_param(std::string_view name);

// The params to forward for a request: the allowed ones from `request`, in
// order, then DOCUMENT_ROOT = `document_root` and SCRIPT_FILENAME =
// `script_filename`. Capacity for `extra` more params is reserved (the
// gateway adds its SPAMGATE_* verdict). `request`, `document_root` and
// `script_filename` must outlive the result.
ParamViews forwarded_cgi_params(std::span<const ParamView> request, std::string_view document_root,
                                std::string_view script_filename, size_t extra = 0);

// [upstream] document_root resolved against the config's folder, without a
// trailing slash ("" when it is not set).
std::string wordpress_root(const Config& config);

}  // namespace spamgate::fcgi
