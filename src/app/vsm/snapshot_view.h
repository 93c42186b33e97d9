// SnapshotView: what the CLI shows of a snapshot (a Hyper-V checkpoint), read from the
// Msvm_VirtualSystemSettingData with SettingType 5 that vsmd links to a system through
// Msvm_PreviousSettingData; and the tree the snapshots of one system form through Parent.
// Pure conversions; value types; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/instance.h"
#include "cim/object_path.h"

namespace vsm::cli {

// Msvm_VirtualSystemSettingData.SettingType of a snapshot (3 is a system's current settings).
inline constexpr uint64_t kSettingTypeSnapshot = 5;

struct SnapshotView {
  std::string id;             // the GUID of InstanceID "Microsoft:<GUID>"
  std::string name;           // ElementName
  std::string system;         // SystemName: the GUID of the system it belongs to
  std::string parent;         // the parent snapshot's GUID; "" for a root snapshot
  std::string creation_time;  // ISO 8601 to the second, "" if unknown
  // CreationTime as vsmd sent it (DSP0004, to the microsecond): what siblings are ordered by.
  std::string creation_datetime;
  cim::ObjectPath path;  // the snapshot's VSSD, for SnapshotSettingData parameters
  size_t depth = 0;      // 0 for a root; set by OrderSnapshotsAsTree
};

// True if `setting_data` is a snapshot's VSSD (SettingType 5).
bool IsSnapshotSettingData(const cim::Instance& setting_data);

// The GUID an InstanceID "Microsoft:<GUID>", or a VSSD path (as text) holding one, names, upper
// case; nullopt if `text` names none.
std::optional<std::string> SnapshotGuidFromText(std::string_view text);

// The view of a snapshot's VSSD. The id falls back to the path's InstanceID.
SnapshotView SnapshotViewFromInstance(const cim::Instance& setting_data);

// The snapshots in tree order: each root, then its children depth first, siblings oldest first
// (by creation_datetime, else creation_time; vsmd's order when equal), each with its depth. A
// snapshot whose parent is not among `snapshots` counts as a root.
std::vector<SnapshotView> OrderSnapshotsAsTree(std::vector<SnapshotView> snapshots);

}  // namespace vsm::cli
