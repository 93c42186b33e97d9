#include "disk/sha256.h"

#include <openssl/evp.h>

namespace vsm::disk {

void Sha256::ContextDeleter::operator()(evp_md_ctx_st* context) const { EVP_MD_CTX_free(context); }

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  failed_ = context_ == nullptr || EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1;
}

Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;
Sha256::~Sha256() = default;

void Sha256::Update(std::span<const uint8_t> bytes) {
  if (failed_ || bytes.empty()) return;
  failed_ = EVP_DigestUpdate(context_.get(), bytes.data(), bytes.size()) != 1;
}

Result<std::array<uint8_t, 32>> Sha256::FinishAndReset() {
  std::array<uint8_t, 32> digest;
  unsigned int digest_length = 0;
  if (failed_ || EVP_DigestFinal_ex(context_.get(), digest.data(), &digest_length) != 1 ||
      digest_length != digest.size() ||
      EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) {
    failed_ = true;
    return Error::Failed(
        "SHA-256 computation failed in OpenSSL (EVP); check the OpenSSL "
        "installation and available memory");
  }
  return digest;
}

Result<std::string> Sha256::FinishHex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  if (failed_ || EVP_DigestFinal_ex(context_.get(), digest, &digest_length) != 1) {
    failed_ = true;
    return Error::Failed(
        "SHA-256 computation failed in OpenSSL (EVP); check the OpenSSL "
        "installation and available memory");
  }
  failed_ = true;  // spent
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * digest_length);
  for (unsigned int i = 0; i < digest_length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0F]);
  }
  return hex;
}

}  // namespace vsm::disk
