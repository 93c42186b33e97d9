// SnapshotRecord: one snapshot (a Hyper-V "checkpoint") of a virtual system: the system's
// definition as it was when the snapshot was taken, whose drives name the disk files the snapshot
// froze. Snapshots of one system form a tree through `parent`. Value type; the store persists it,
// the service creates, applies and removes it, the CIM layer presents it as a
// Msvm_VirtualSystemSettingData with SettingType 5.
#pragma once

#include <chrono>
#include <string>

#include "core/guid.h"
#include "core/system_definition.h"

namespace vsm {

struct SnapshotRecord {
  Guid id;                // the snapshot's VSSD InstanceID is "Microsoft:<id>"
  Guid system;            // the system it belongs to (Msvm_ComputerSystem.Name)
  Guid parent;            // the snapshot it was taken on top of; null for a root snapshot
  std::string name;       // ElementName; Hyper-V's default is "<system> - (<local time>)"
  std::chrono::system_clock::time_point creation_time;
  // The system as it was: settings, adapters, and drives naming the frozen (read-only from now
  // on) disk files. configuration.id is the system's Guid; configuration.parent_snapshot is the
  // snapshot the system derived from then (equal to `parent`).
  SystemDefinition configuration;

  bool operator==(const SnapshotRecord&) const = default;
};

// A differencing disk that vsm created for a system (when a snapshot was taken or applied) and
// therefore may delete once nothing uses it. The catalogue keeps these so that vsm never deletes
// a file it did not create, and knows each file's parent without opening it.
struct CreatedDisk {
  std::string path;         // absolute path of the .avhd/.avhdx
  std::string parent_path;  // the disk it was made as a child of
  Guid system;
  bool operator==(const CreatedDisk&) const = default;
};

}  // namespace vsm
