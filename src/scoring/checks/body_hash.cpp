#include "scoring/checks/body_hash.h"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace spamgate {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// SHA-256 fetched once and one digest context per thread: OpenSSL 3's
// one-shot SHA256() looks the algorithm up and allocates a context per call,
// which cost more than hashing a comment.
const EVP_MD* sha256() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

EVP_MD_CTX* digest_context() {
  thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                                     EVP_MD_CTX_free);
  return context.get();
}

}  // namespace

std::string normalize_body(std::string_view body) {
  std::string out(body.size(), '\0');  // normalizing never lengthens
  char* to = out.data();
  bool pending_space = false;
  for (const char c : body) {
    if (is_space(c)) {
      pending_space = to != out.data();
      continue;
    }
    if (pending_space) *to++ = ' ';
    pending_space = false;
    *to++ = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  out.resize(static_cast<size_t>(to - out.data()));
  return out;
}

uint64_t body_hash(std::string_view body) { return normalized_body_hash(normalize_body(body)); }

uint64_t normalized_body_hash(std::string_view normalized) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  EVP_MD_CTX* context = digest_context();
  if (!sha256() || !context || !EVP_DigestInit_ex(context, sha256(), nullptr) ||
      !EVP_DigestUpdate(context, normalized.data(), normalized.size()) ||
      !EVP_DigestFinal_ex(context, digest, nullptr))
    throw std::runtime_error("SHA-256 is not available");
  uint64_t hash = 0;
  for (int i = 0; i < 8; ++i) hash = (hash << 8) | digest[i];
  return hash;
}

}  // namespace spamgate
