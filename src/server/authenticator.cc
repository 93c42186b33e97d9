#include "server/authenticator.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pwd.h>
#include <unistd.h>

#include <charconv>
#include <vector>

#include "store/repository.h"

namespace vsm::server {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr auto kCacheLifetime = std::chrono::seconds(60);

std::string Base64Encode(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Decodes standard base64; false if `text` is not valid base64.
bool Base64Decode(std::string_view text, std::vector<unsigned char>& out) {
  if (text.size() % 4 != 0) return false;
  out.assign(3 * text.size() / 4 + 1, 0);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return false;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return true;
}

bool Pbkdf2(std::string_view password, const std::vector<unsigned char>& salt, int iterations,
            unsigned char* out) {
  return PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), salt.data(),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(), kHashBytes,
                           out) == 1;
}

}  // namespace

std::string HashPassword(std::string_view password, int iterations) {
  std::vector<unsigned char> salt(kSaltBytes);
  RAND_bytes(salt.data(), static_cast<int>(salt.size()));
  unsigned char hash[kHashBytes];
  Pbkdf2(password, salt, iterations, hash);
  return fmt::format("pbkdf2-sha256${}${}${}", iterations, Base64Encode(salt.data(), salt.size()),
                     Base64Encode(hash, kHashBytes));
}

bool VerifyPassword(std::string_view password, std::string_view encoded) {
  // pbkdf2-sha256$<iterations>$<salt>$<hash>
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= encoded.size(); ++i) {
    if (i == encoded.size() || encoded[i] == '$') {
      parts.push_back(encoded.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() != 4 || parts[0] != "pbkdf2-sha256") return false;
  int iterations = 0;
  auto [end, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
  if (ec != std::errc() || iterations <= 0) return false;
  std::vector<unsigned char> salt, expected;
  if (!Base64Decode(parts[2], salt) || !Base64Decode(parts[3], expected) ||
      expected.size() != kHashBytes) {
    return false;
  }
  unsigned char actual[kHashBytes];
  if (!Pbkdf2(password, salt, iterations, actual)) return false;
  return CRYPTO_memcmp(actual, expected.data(), kHashBytes) == 0;
}

Result<Principal> Authenticator::AuthenticateBasic(std::string_view authorization) {
  const auto now = std::chrono::steady_clock::now();
  {
    // The polling path: the same credentials, verified recently and checked against the
    // catalogue within the last recheck_interval, cost no catalogue read and no hash.
    std::lock_guard lock(mutex_);
    auto cached = cache_.find(authorization);
    if (cached != cache_.end() && now - cached->second.verified_at < kCacheLifetime &&
        now - cached->second.checked_at < recheck_interval_) {
      return cached->second.principal;
    }
  }
  const Error refused =
      Error::AccessDenied("authentication failed: unknown user or wrong password");
  constexpr std::string_view kScheme = "Basic ";
  if (authorization.size() <= kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), authorization.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return refused;
  }
  std::vector<unsigned char> decoded;
  if (!Base64Decode(authorization.substr(kScheme.size()), decoded)) return refused;
  std::string credentials(decoded.begin(), decoded.end());
  size_t colon = credentials.find(':');
  if (colon == std::string::npos) return refused;
  std::string user = credentials.substr(0, colon);
  std::string password = credentials.substr(colon + 1);

  VSM_ASSIGN_OR_RETURN(auto record, users_.FindUser(user));
  if (!record) {
    {
      std::lock_guard lock(mutex_);
      if (auto cached = cache_.find(authorization); cached != cache_.end()) cache_.erase(cached);
    }
    VerifyPassword(password, HashPassword("", 1000));  // keep unknown users as slow as known ones
    return refused;
  }
  {
    std::lock_guard lock(mutex_);
    auto cached = cache_.find(authorization);
    if (cached != cache_.end() && cached->second.password_hash == record->password_hash &&
        now - cached->second.verified_at < kCacheLifetime) {
      cached->second.principal.role = record->role;  // a role change applies at the next check
      cached->second.checked_at = now;
      return cached->second.principal;
    }
  }
  if (!VerifyPassword(password, record->password_hash)) return refused;
  Principal principal{user, record->role};
  std::lock_guard lock(mutex_);
  if (cache_.size() > 1024) cache_.clear();
  cache_[std::string(authorization)] =
      CachedCredentials{principal, record->password_hash, now, now};
  return principal;
}

Principal Authenticator::FromPeerCredentials(uid_t uid) {
  std::string name = fmt::format("uid {}", uid);
  struct passwd entry;
  struct passwd* found = nullptr;
  char buffer[1024];
  if (getpwuid_r(uid, &entry, buffer, sizeof(buffer), &found) == 0 && found) name = found->pw_name;
  bool administrator = uid == 0 || uid == geteuid();
  return Principal{name, administrator ? Role::kAdministrator : Role::kReader};
}

}  // namespace vsm::server
