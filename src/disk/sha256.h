// Sha256: an incremental SHA-256 through OpenSSL's EVP interface, which uses the CPU's SHA
// extensions where it has them. Movable, not copyable; thread-compatible (one thread at a time).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/result.h"

struct evp_md_ctx_st;

namespace vsm::disk {

class Sha256 {
 public:
  Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  ~Sha256();

  void Update(std::span<const uint8_t> bytes);
  // The digest of everything passed to Update, as 64 lower-case hex digits. Errors: kFailed if
  // OpenSSL failed at any step. The object is spent afterwards.
  Result<std::string> FinishHex();
  // The raw 32-byte digest of everything passed to Update; the object starts over, empty.
  Result<std::array<uint8_t, 32>> FinishAndReset();

 private:
  struct ContextDeleter {
    void operator()(evp_md_ctx_st* context) const;
  };
  std::unique_ptr<evp_md_ctx_st, ContextDeleter> context_;
  bool failed_ = false;
};

}  // namespace vsm::disk
