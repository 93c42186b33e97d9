#include "disk/content_digest.h"

#include <algorithm>

namespace vsm::disk {
namespace {

alignas(4096) const uint8_t kZeroBlock[kDigestBlockBytes] = {};

// SHA-256 of one whole block of zeros, computed once.
const std::optional<std::array<uint8_t, 32>>& ZeroBlockDigest() {
  static const std::optional<std::array<uint8_t, 32>> digest = [] {
    Sha256 sha;
    sha.Update(ZeroBlock());
    Result<std::array<uint8_t, 32>> raw = sha.FinishAndReset();
    return raw.ok() ? std::optional<std::array<uint8_t, 32>>(*raw) : std::nullopt;
  }();
  return digest;
}

}  // namespace

std::string_view DigestAlgorithmName(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha256: return "sha256";
    case DigestAlgorithm::kSha256Blocks: return "sha256-1m-blocks";
  }
  return "unknown";
}

std::optional<DigestAlgorithm> DigestAlgorithmFromName(std::string_view name) {
  for (DigestAlgorithm algorithm : {DigestAlgorithm::kSha256, DigestAlgorithm::kSha256Blocks}) {
    if (DigestAlgorithmName(algorithm) == name) return algorithm;
  }
  return std::nullopt;
}

std::span<const uint8_t> ZeroBlock() { return {kZeroBlock, kDigestBlockBytes}; }

void ContentDigest::Update(std::span<const uint8_t> bytes) {
  if (algorithm_ == DigestAlgorithm::kSha256) {
    whole_.Update(bytes);
    return;
  }
  while (!bytes.empty()) {
    const size_t take =
        static_cast<size_t>(std::min<uint64_t>(bytes.size(), kDigestBlockBytes - block_fill_));
    block_.Update(bytes.first(take));
    block_fill_ += take;
    bytes = bytes.subspan(take);
    if (block_fill_ == kDigestBlockBytes) FinishBlock();
  }
}

void ContentDigest::UpdateZeros(uint64_t count) {
  while (count > 0) {
    if (algorithm_ == DigestAlgorithm::kSha256Blocks && block_fill_ == 0 &&
        count >= kDigestBlockBytes) {
      const std::optional<std::array<uint8_t, 32>>& zero = ZeroBlockDigest();
      if (!zero) {
        failed_ = true;
        return;
      }
      whole_.Update(*zero);
      count -= kDigestBlockBytes;
      continue;
    }
    const uint64_t take = std::min<uint64_t>(count, kDigestBlockBytes);
    Update(ZeroBlock().first(static_cast<size_t>(take)));
    count -= take;
  }
}

void ContentDigest::FinishBlock() {
  Result<std::array<uint8_t, 32>> digest = block_.FinishAndReset();
  if (!digest.ok()) {
    failed_ = true;
    return;
  }
  whole_.Update(*digest);
  block_fill_ = 0;
}

Result<std::string> ContentDigest::FinishHex() {
  if (algorithm_ == DigestAlgorithm::kSha256Blocks && block_fill_ > 0) FinishBlock();
  if (failed_) {
    return Error::Failed(
        "SHA-256 computation failed in OpenSSL (EVP); check the OpenSSL installation and "
        "available memory");
  }
  return whole_.FinishHex();
}

}  // namespace vsm::disk
