#include "app/vsm/user_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "server/authenticator.h"
#include "store/repository.h"

namespace vsm::cli {
namespace {

using ::testing::HasSubstr;

TEST(ReadPasswordTest, OneTrailingNewlineIsDropped) {
  std::istringstream plain("s3cret");
  EXPECT_EQ(ReadPassword(plain), "s3cret");
  std::istringstream echoed("s3cret\n");
  EXPECT_EQ(ReadPassword(echoed), "s3cret");
  std::istringstream windows("s3cret\r\n");
  EXPECT_EQ(ReadPassword(windows), "s3cret");
  std::istringstream spaces(" two words \n\n");
  EXPECT_EQ(ReadPassword(spaces), " two words \n");
}

TEST(ValidateUserNameTest, NamesUsableInBasicCredentials) {
  EXPECT_TRUE(ValidateUserName("admin").ok());
  EXPECT_TRUE(ValidateUserName("ops.team-1@example").ok());
  EXPECT_FALSE(ValidateUserName("").ok());
  EXPECT_FALSE(ValidateUserName(std::string(65, 'a')).ok());
  EXPECT_THAT(ValidateUserName("a:b").error().message(), HasSubstr("':'"));
  EXPECT_FALSE(ValidateUserName("a b").ok());
  EXPECT_FALSE(ValidateUserName("a\tb").ok());
}

TEST(ParseRoleTest, AdministratorOrReader) {
  EXPECT_EQ(*ParseRole("administrator"), Role::kAdministrator);
  EXPECT_EQ(*ParseRole("reader"), Role::kReader);
  EXPECT_THAT(ParseRole("root").error().message(), HasSubstr("administrator or reader"));
}

class UserAddTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "vsm-user-add-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int AddUser(const UserAddOptions& options, const std::string& stdin_text) {
    std::istringstream in(stdin_text);
    out_.str("");
    err_.str("");
    CommandContext context(GlobalOptions{}, "/unused.sock", out_, err_, false, dir_);
    return RunUserAdd(context, options, in);
  }

  static UserAddOptions Options(const std::string& name, const std::string& role) {
    UserAddOptions options;
    options.name = name;
    options.role = role;
    options.password_stdin = true;
    options.data_root = "data";  // relative: taken from the working directory
    return options;
  }

  std::filesystem::path dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(UserAddTest, WritesTheUserWithAHashedPasswordIntoTheCatalogue) {
  ASSERT_EQ(AddUser(Options("alice", "reader"), "s3cret\n"), kExitSuccess) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("added user 'alice' (reader)"));

  auto repository = store::OpenSqliteRepository(dir_ / "data" / "vsm.db");
  ASSERT_TRUE(repository.ok()) << repository.error().ToString();
  auto user = (*repository)->FindUser("alice");
  ASSERT_TRUE(user.ok());
  ASSERT_TRUE(user->has_value());
  EXPECT_EQ((*user)->role, Role::kReader);
  EXPECT_NE((*user)->password_hash, "s3cret");
  EXPECT_TRUE(server::VerifyPassword("s3cret", (*user)->password_hash));
}

TEST_F(UserAddTest, AddingAgainReplacesRoleAndPassword) {
  ASSERT_EQ(AddUser(Options("bob", "reader"), "one"), kExitSuccess) << err_.str();
  ASSERT_EQ(AddUser(Options("bob", "administrator"), "two"), kExitSuccess) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("updated user 'bob' (administrator)"));
  auto repository = store::OpenSqliteRepository(dir_ / "data" / "vsm.db");
  ASSERT_TRUE(repository.ok());
  auto user = (*repository)->FindUser("bob");
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_EQ((*user)->role, Role::kAdministrator);
  EXPECT_TRUE(server::VerifyPassword("two", (*user)->password_hash));
}

TEST_F(UserAddTest, RefusesWithoutPasswordStdinOrWithAnEmptyPassword) {
  UserAddOptions options = Options("carol", "reader");
  options.password_stdin = false;
  EXPECT_EQ(AddUser(options, "x"), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("--password-stdin"));
  EXPECT_EQ(AddUser(Options("carol", "reader"), "\n"), kExitUsage);
  EXPECT_EQ(AddUser(Options("a:b", "reader"), "x"), kExitUsage);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "data" / "vsm.db"));
}

}  // namespace
}  // namespace vsm::cli
