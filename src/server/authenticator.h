// Authentication: HTTP Basic against the users in the catalogue (salted PBKDF2-HMAC-SHA256), and
// the peer's credentials on the unix socket. Thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/principal.h"
#include "core/result.h"
#include "core/thread_annotations.h"

namespace vsm::store {
class Repository;
}

namespace vsm::server {

inline constexpr int kPasswordHashIterations = 200000;
// How soon a change to a user (password, role, removal) applies to credentials in use.
inline constexpr std::chrono::seconds kUserRecheckInterval{1};

// "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>" with a fresh 16-byte salt.
std::string HashPassword(std::string_view password, int iterations = kPasswordHashIterations);
// True if `password` matches `encoded` (constant-time compare); false for a malformed encoding.
bool VerifyPassword(std::string_view password, std::string_view encoded);

class Authenticator {
 public:
  // `recheck_interval`: how long a verified user's record is trusted before the catalogue is
  // read again (`vsm user add` changes it from another process, so vsmd cannot be told).
  explicit Authenticator(
      store::Repository& users,
      std::chrono::steady_clock::duration recheck_interval = kUserRecheckInterval)
      : users_(users), recheck_interval_(recheck_interval) {}

  // The principal of an `Authorization: Basic ...` header value. kAccessDenied (the same message
  // for an unknown user and a wrong password) if it does not authenticate.
  Result<Principal> AuthenticateBasic(std::string_view authorization);

  // On the unix socket: root and vsmd's own user are administrators, everyone else a reader.
  static Principal FromPeerCredentials(uid_t uid);

 private:
  struct CachedCredentials {
    Principal principal;
    std::string password_hash;  // the stored hash they were verified against
    std::chrono::steady_clock::time_point verified_at;  // the slow hash, redone every minute
    std::chrono::steady_clock::time_point checked_at;   // the catalogue read
  };

  store::Repository& users_;
  const std::chrono::steady_clock::duration recheck_interval_;
  std::mutex mutex_;
  // Successful verifications, keyed by the header value, so that a client polling a job does
  // not pay the slow hash nor a catalogue read for every request. A changed password or role,
  // or a removed user, is seen at the next catalogue check: within recheck_interval.
  std::map<std::string, CachedCredentials, std::less<>> cache_ GUARDED_BY(mutex_);
};

}  // namespace vsm::server
