// `vsm user add`: a local administration command. vsmd's users live in its catalogue
// (<data-root>/vsm.db); this opens that catalogue directly — SQLite in WAL mode lets it do so
// while vsmd runs — so it needs write access to the data root, not a connection to vsmd.
#pragma once

#include <filesystem>
#include <istream>
#include <string>
#include <string_view>

#include "app/vsm/command_context.h"
#include "core/principal.h"
#include "core/result.h"

namespace vsm::cli {

inline constexpr std::string_view kDefaultDataRoot = "./var";

struct UserAddOptions {
  std::string name;
  std::string role;  // "administrator" or "reader"
  bool password_stdin = false;
  std::string data_root = std::string(kDefaultDataRoot);
};

// The password given on stdin: everything read, without one trailing "\n" or "\r\n".
std::string ReadPassword(std::istream& in);

// kInvalidParameter unless `name` is 1..64 printable characters without ':' (the separator of
// HTTP Basic credentials) or spaces.
Result<void> ValidateUserName(std::string_view name);
// kInvalidParameter unless `role` is "administrator" or "reader".
Result<Role> ParseRole(std::string_view role);

// Adds or replaces the user in <data_root>/vsm.db; the password is read from `in`.
int RunUserAdd(CommandContext& context, const UserAddOptions& options, std::istream& in);

}  // namespace vsm::cli
