// Principal: who is calling, as the transport authenticated them. Roles: an administrator may do
// everything; a reader may enumerate, get and query, and any method call answers 32769.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vsm {

enum class Role { kReader, kAdministrator };

inline std::string_view RoleName(Role role) {
  return role == Role::kAdministrator ? "administrator" : "reader";
}

inline std::optional<Role> RoleFromName(std::string_view name) {
  if (name == "administrator") return Role::kAdministrator;
  if (name == "reader") return Role::kReader;
  return std::nullopt;
}

struct Principal {
  std::string user;
  Role role = Role::kReader;
  bool IsAdministrator() const { return role == Role::kAdministrator; }
};

}  // namespace vsm
