// ContentDigest: the digest a package records for each of its files.
//
// kSha256 is the plain SHA-256 of the content (package format 1). Its cost grows with the
// file's apparent size: every hole must be hashed as zeros, so a thin disk of 64 GiB costs
// 64 GiB of hashing whatever was written to it.
//
// kSha256Blocks (package format 2) is the SHA-256 of the concatenated raw SHA-256 digests of
// the content's 1 MiB blocks (the last one may be shorter):
//     SHA-256( SHA-256(block 0) || SHA-256(block 1) || ... )
// A block that is a hole costs a lookup of the precomputed digest of a zero block, so hashing
// costs what was written, not what was reserved; the digest is still of the logical content,
// independent of how the file system lays it out. Anyone can check it with standard tools:
//     split -b 1M --filter='openssl dgst -sha256 -binary' FILE | sha256sum
// Thread-compatible (one thread at a time).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.h"
#include "disk/sha256.h"

namespace vsm::disk {

inline constexpr uint64_t kDigestBlockBytes = 1ull << 20;

enum class DigestAlgorithm {
  kSha256,        // "sha256"
  kSha256Blocks,  // "sha256-1m-blocks"
};

// The name written in config.xml.
std::string_view DigestAlgorithmName(DigestAlgorithm algorithm);
std::optional<DigestAlgorithm> DigestAlgorithmFromName(std::string_view name);

// A read-only buffer of zeros, kDigestBlockBytes long (holes are hashed from it, and it is
// never written, so it costs no memory until read).
std::span<const uint8_t> ZeroBlock();

class ContentDigest {
 public:
  explicit ContentDigest(DigestAlgorithm algorithm) : algorithm_(algorithm) {}

  // The next `bytes` of the content.
  void Update(std::span<const uint8_t> bytes);
  // The next `count` bytes of the content are zeros (a hole). For kSha256Blocks, whole blocks
  // of zeros cost nothing.
  void UpdateZeros(uint64_t count);
  // The digest as 64 lower-case hex digits. The object is spent afterwards. Errors: kFailed if
  // OpenSSL failed at any step.
  Result<std::string> FinishHex();

 private:
  void FinishBlock();

  DigestAlgorithm algorithm_;
  Sha256 whole_;             // kSha256: the content; kSha256Blocks: the block digests
  Sha256 block_;             // kSha256Blocks: the current block
  uint64_t block_fill_ = 0;  // bytes of the current block seen so far
  bool failed_ = false;
};

}  // namespace vsm::disk
