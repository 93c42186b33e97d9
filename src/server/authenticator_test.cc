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
  // Every request checks the catalogue: a change applies to the next one.
  Authenticator authenticator(*users, /*recheck_interval=*/std::chrono::seconds(0));
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
  EXPECT_TRUE(authenticator.AuthenticateBasic(Basic("admin:new")).ok());
  // A role change and a removal apply at the next check too.
  ASSERT_TRUE(users->SaveUser({"admin", Role::kReader, HashPassword("new", 1000)}).ok());
  auto reader = authenticator.AuthenticateBasic(Basic("admin:new"));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->role, Role::kReader);
  ASSERT_TRUE(users->RemoveUser("admin").ok());
  EXPECT_FALSE(authenticator.AuthenticateBasic(Basic("admin:new")).ok());
}

// Within the recheck interval the catalogue is not read: a client polling many times a second
// costs one catalogue read per interval, and a change applies when the interval has passed.
TEST(AuthenticatorTest, CatalogueIsReadOncePerRecheckInterval) {
  auto users = store::NewInMemoryRepository();
  ASSERT_TRUE(users->SaveUser({"poller", Role::kReader, HashPassword("pw", 1000)}).ok());
  Authenticator slow_to_notice(*users, std::chrono::hours(1));
  ASSERT_TRUE(slow_to_notice.AuthenticateBasic(Basic("poller:pw")).ok());
  ASSERT_TRUE(users->RemoveUser("poller").ok());
  EXPECT_TRUE(slow_to_notice.AuthenticateBasic(Basic("poller:pw")).ok());  // served from the cache
  // Other credentials for the same user still go to the catalogue, and find no one.
  EXPECT_FALSE(slow_to_notice.AuthenticateBasic(Basic("poller:other")).ok());

  Authenticator prompt(*users, std::chrono::seconds(0));
  ASSERT_TRUE(users->SaveUser({"poller", Role::kReader, HashPassword("pw", 1000)}).ok());
  ASSERT_TRUE(prompt.AuthenticateBasic(Basic("poller:pw")).ok());
  ASSERT_TRUE(users->RemoveUser("poller").ok());
  EXPECT_FALSE(prompt.AuthenticateBasic(Basic("poller:pw")).ok());
}

TEST(AuthenticatorTest, PeerCredentialsDecideTheRoleOnTheSocket) {
  EXPECT_EQ(Authenticator::FromPeerCredentials(0).role, Role::kAdministrator);
  EXPECT_EQ(Authenticator::FromPeerCredentials(0).user, "root");
  EXPECT_EQ(Authenticator::FromPeerCredentials(65534).role, Role::kReader);
}

}  // namespace
}  // namespace vsm::server
