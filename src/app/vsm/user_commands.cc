#include "app/vsm/user_commands.h"

#include <iterator>
#include <system_error>

#include <fmt/format.h>

#include "app/vsm/output.h"
#include "app/vsm/requests.h"
#include "server/authenticator.h"
#include "store/repository.h"

namespace vsm::cli {
namespace {

constexpr size_t kMaxUserNameLength = 64;

}  // namespace

std::string ReadPassword(std::istream& in) {
  std::string password((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!password.empty() && password.back() == '\n') password.pop_back();
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

Result<void> ValidateUserName(std::string_view name) {
  if (name.empty() || name.size() > kMaxUserNameLength) {
    return Error::InvalidParameter(
        fmt::format("user name '{}' must have 1 to {} characters", name, kMaxUserNameLength));
  }
  for (char c : name) {
    auto byte = static_cast<unsigned char>(c);
    if (c == ':' || c == ' ' || byte < 0x20 || byte == 0x7f) {
      return Error::InvalidParameter(fmt::format(
          "user name '{}' may not contain ':', spaces or control characters", name));
    }
  }
  return Ok();
}

Result<Role> ParseRole(std::string_view role) {
  std::optional<Role> parsed = RoleFromName(role);
  if (!parsed) {
    return Error::InvalidParameter(
        fmt::format("--role '{}' is not a role; pass administrator or reader", role));
  }
  return *parsed;
}

int RunUserAdd(CommandContext& context, const UserAddOptions& options, std::istream& in) {
  if (Result<void> valid = ValidateUserName(options.name); !valid.ok()) {
    return context.FailUsage(valid.error().message());
  }
  Result<Role> role = ParseRole(options.role);
  if (!role.ok()) return context.FailUsage(role.error().message());
  if (!options.password_stdin) {
    return context.FailUsage(
        "pass the password on standard input with --password-stdin (never on the command line), "
        "e.g. printf %s \"$PASSWORD\" | vsm user add NAME --role reader --password-stdin");
  }
  std::string password = ReadPassword(in);
  if (password.empty()) {
    return context.FailUsage("the password read from standard input is empty");
  }

  std::filesystem::path data_root = MakeAbsolute(options.data_root, context.cwd());
  std::error_code ec;
  std::filesystem::create_directories(data_root, ec);
  if (ec) {
    return context.Fail(
        fmt::format("cannot create the data root '{}': {}", data_root.string(), ec.message()));
  }
  std::filesystem::path database = data_root / "vsm.db";
  Result<std::unique_ptr<store::Repository>> repository = store::OpenSqliteRepository(database);
  if (!repository.ok()) return context.Fail(repository.error().message());

  Result<std::optional<store::UserRecord>> existing = (*repository)->FindUser(options.name);
  if (!existing.ok()) return context.Fail(existing.error().message());
  store::UserRecord user{
      .name = options.name, .role = *role, .password_hash = server::HashPassword(password)};
  if (Result<void> saved = (*repository)->SaveUser(user); !saved.ok()) {
    return context.Fail(saved.error().message());
  }
  bool created = !existing->has_value();
  if (context.json()) {
    PrintJson(context.out(), {{"name", options.name},
                              {"role", RoleName(*role)},
                              {"database", database.string()},
                              {"created", created}});
  } else {
    context.out() << fmt::format("{} user '{}' ({}) in '{}'\n", created ? "added" : "updated",
                                 options.name, RoleName(*role), database.string());
  }
  return kExitSuccess;
}

}  // namespace vsm::cli
