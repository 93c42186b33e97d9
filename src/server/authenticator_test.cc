#include "server/authenticator.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "store/repository.h"

namespace vsm::server {
namespace {

std::string Basic(const std::string& credentials) {
  std::string out(4 * ((credentials.size() + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                  reinterpret_cast<const unsigned char*>(credentials.data()), static_cast<int>(credentials.size()));
  return "Basic " + out;
}

TEST(PasswordHashTest, VerifiesOnlyTheRightPassword) {
  std::string hash = HashPassword("secret", 1000);
  EXPECT_EQ(hash.rfind("pbkdf2-sha256$1000$", 0), 0u);
  EXPECT_TRUE(VerifyPassword("secret", hash));
  EXPECT_FALSE(VerifyPassword("Secret", hash));
  EXPECT_NE(HashPassword("secret", 1000), hash);  // salted
  EXPECT_FALSE(VerifyPassword("secret", "pbkdf2-sha256$x$y$z"));
  EXPECT_FALSE(VerifyPassword("secret", ""));
}

TEST(AuthenticatorTest, BasicCredentialsGiveTheStoredRole) {
  auto users = store::NewInMemoryRepository();
  ASSERT_TRUE(users->SaveUser({"admin", Role::kAdministrator, HashPassword("secret", 1000)}).ok());
  ASSERT_TRUE(users->SaveUser({"auditor", Role::kReader, HashPassword("readonly", 1000)}).ok());
  Authenticator authenticator(*users);
  auto admin = authenticator.AuthenticateBasic(Basic("admin:secret"));
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->role, Role::kAdministrator);
  EXPECT_TRUE(authenticator.AuthenticateBasic(Basic("admin:secret")).ok());  // cached
  EXPECT_EQ(authenticator.AuthenticateBasic(Basic("auditor:readonly"))->role, Role::kReader);
  for (std::string bad : {Basic("admin:wrong"), Basic("nobody:secret"), Basic("no-colon"),
                          std::string("Basic !!!"), std::string("Bearer x"), std::string("")}) {
    auto refused = authenticator.AuthenticateBasic(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.error().code(), ReturnCode::kAccessDenied);
  }
  // A changed password invalidates the cached verification.
  ASSERT_TRUE(users->SaveUser({"admin", Role::kAdministrator, HashPassword("new", 1000)}).ok());
  EXPECT_FALSE(authenticator.AuthenticateBasic(Basic("admin:secret")).ok());
}

TEST(AuthenticatorTest, PeerCredentialsDecideTheRoleOnTheSocket) {
  EXPECT_EQ(Authenticator::FromPeerCredentials(0).role, Role::kAdministrator);
  EXPECT_EQ(Authenticator::FromPeerCredentials(0).user, "root");
  EXPECT_EQ(Authenticator::FromPeerCredentials(65534).role, Role::kReader);
}

}  // namespace
}  // namespace vsm::server
