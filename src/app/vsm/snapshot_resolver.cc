#include "app/vsm/snapshot_resolver.h"

#include <fmt/format.h>

#include <optional>
#include <string>

#include "cim/object_path.h"

namespace vsm::cli {
namespace {

std::string Describe(const SnapshotView& snapshot) {
  if (snapshot.creation_time.empty()) return fmt::format("'{}' {}", snapshot.name, snapshot.id);
  return fmt::format("'{}' {} (created {})", snapshot.name, snapshot.id, snapshot.creation_time);
}

std::string DescribeAll(const std::vector<SnapshotView>& snapshots,
                        const std::vector<size_t>& which) {
  std::string text;
  for (size_t index : which) {
    if (!text.empty()) text += ", ";
    text += Describe(snapshots[index]);
  }
  return text;
}

Error NotFound(std::string_view argument, const SystemView& system,
               const std::vector<SnapshotView>& snapshots) {
  if (snapshots.empty()) {
    return Error::InvalidParameter(fmt::format(
        "virtual system '{}' ({}) has no snapshots, so none is named '{}'; 'vsm snapshot create "
        "{}' takes one",
        system.name, system.id, argument, system.id));
  }
  std::vector<size_t> all;
  for (size_t i = 0; i < snapshots.size(); ++i) all.push_back(i);
  return Error::InvalidParameter(fmt::format(
      "virtual system '{}' ({}) has no snapshot with the name or id '{}'; its snapshots are: {}",
      system.name, system.id, argument, DescribeAll(snapshots, all)));
}

}  // namespace

Result<size_t> ResolveSnapshot(std::string_view argument, const SystemView& system,
                               const std::vector<SnapshotView>& snapshots) {
  if (std::optional<std::string> guid = SnapshotGuidFromText(argument)) {
    for (size_t i = 0; i < snapshots.size(); ++i) {
      if (SnapshotGuidFromText(snapshots[i].id) == guid) return i;
    }
  }
  std::vector<size_t> exact;
  std::vector<size_t> ignoring_case;
  for (size_t i = 0; i < snapshots.size(); ++i) {
    if (snapshots[i].name == argument) exact.push_back(i);
    if (cim::EqualsIgnoreCase(snapshots[i].name, argument)) ignoring_case.push_back(i);
  }
  const std::vector<size_t>& matches = exact.empty() ? ignoring_case : exact;
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) return NotFound(argument, system, snapshots);
  return Error::InvalidParameter(fmt::format(
      "the snapshot name '{}' is ambiguous: {} snapshots of '{}' have it ({}); pass the GUID "
      "instead",
      argument, matches.size(), system.name, DescribeAll(snapshots, matches)));
}

}  // namespace vsm::cli
