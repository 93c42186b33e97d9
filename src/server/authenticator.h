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

// "pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>" with a fresh 16-byte salt.
std::string HashPassword(std::string_view password, int iterations = kPasswordHashIterations);
// True if `password` matches `encoded` (constant-time compare); false for a malformed encoding.
bool VerifyPassword(std::string_view password, std::string_view encoded);

class Authenticator {
 public:
  explicit Authenticator(store::Repository& users) : users_(users) {}

  // The principal of an `Authorization: Basic ...` header value. kAccessDenied (the same message
  // for an unknown user and a wrong password) if it does not authenticate.
  Result<Principal> AuthenticateBasic(std::string_view authorization);

  // On the unix socket: root and vsmd's own user are administrators, everyone else a reader.
  static Principal FromPeerCredentials(uid_t uid);

 private:
  store::Repository& users_;
  std::mutex mutex_;
  // Successful verifications, so that a client polling a job every second does not pay the slow
  // hash each time: key = the header value and the stored hash (a changed password misses).
  std::map<std::string, std::pair<Principal, std::chrono::steady_clock::time_point>> cache_
      GUARDED_BY(mutex_);
};

}  // namespace vsm::server
