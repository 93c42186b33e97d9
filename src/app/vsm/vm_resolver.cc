#include "app/vsm/vm_resolver.h"

#include <optional>
#include <string>

#include <fmt/format.h>

#include "cim/object_path.h"
#include "core/guid.h"

namespace vsm::cli {
namespace {

std::string Describe(const SystemView& system) {
  return fmt::format("'{}' {}", system.name, system.id);
}

std::string DescribeAll(const std::vector<SystemView>& systems, const std::vector<size_t>& which) {
  std::string text;
  for (size_t index : which) {
    if (!text.empty()) text += ", ";
    text += Describe(systems[index]);
  }
  return text;
}

std::vector<size_t> AllIndices(const std::vector<SystemView>& systems) {
  std::vector<size_t> indices;
  for (size_t i = 0; i < systems.size(); ++i) indices.push_back(i);
  return indices;
}

Error NotFound(std::string_view argument, const std::vector<SystemView>& systems) {
  if (systems.empty()) {
    return Error::InvalidParameter(fmt::format(
        "no virtual system has the name or id '{}': vsmd has no virtual systems", argument));
  }
  return Error::InvalidParameter(
      fmt::format("no virtual system has the name or id '{}'; the virtual systems are: {}",
                  argument, DescribeAll(systems, AllIndices(systems))));
}

}  // namespace

Result<size_t> ResolveSystem(std::string_view argument, const std::vector<SystemView>& systems) {
  if (std::optional<Guid> guid = Guid::Parse(argument)) {
    for (size_t i = 0; i < systems.size(); ++i) {
      if (Guid::Parse(systems[i].id) == guid) return i;
    }
  }
  std::vector<size_t> exact;
  std::vector<size_t> ignoring_case;
  for (size_t i = 0; i < systems.size(); ++i) {
    if (systems[i].name == argument) exact.push_back(i);
    if (cim::EqualsIgnoreCase(systems[i].name, argument)) ignoring_case.push_back(i);
  }
  const std::vector<size_t>& matches = exact.empty() ? ignoring_case : exact;
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) return NotFound(argument, systems);
  return Error::InvalidParameter(fmt::format(
      "the name '{}' is ambiguous: {} virtual systems have it ({}); pass the GUID instead",
      argument, matches.size(), DescribeAll(systems, matches)));
}

}  // namespace vsm::cli
