// The connection settings every libcurl handle spamgate opens to a mail
// server shares (SMTP to send, IMAP for bounce watch): TLS 1.2 or newer is
// required (implicit, or STARTTLS), the certificate is verified unless the
// config turns that off, and no proxy from the environment is used.
#pragma once

#include <curl/curl.h>

#include <string>

namespace spamgate {

// Applies those settings to `handle`. `ca_file` "" = the system's CA store.
void require_mail_tls(CURL* handle, const std::string& ca_file, bool verify_peer);

}  // namespace spamgate
