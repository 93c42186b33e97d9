// The .exp file: a SystemDefinition as DSP0201 INSTANCE elements (Hyper-V's setting data
// classes and property names), inside a <vsm-definition> root. Drive paths are those the system
// used when it was exported; config.xml maps the exported ones to their place in the package.
#pragma once

#include <filesystem>

#include "core/result.h"
#include "core/snapshot.h"
#include "core/system_definition.h"

namespace vsm::package {

Result<void> WriteExpFile(const SystemDefinition& system, const std::filesystem::path& file);
// kInvalidParameter naming the file and what is wrong.
// The VSSD's Parent is "Microsoft:<GUID>" of the snapshot the current state derives from
// (system.parent_snapshot), empty if none.
Result<SystemDefinition> ReadExpFile(const std::filesystem::path& file);

// A snapshot's .exp ("Snapshots/<GUID>.exp"): its configuration, whose VSSD names the snapshot
// as Hyper-V does: InstanceID "Microsoft:<snapshot>", SystemName the system's Guid, SettingType
// 5, ElementName the snapshot's name, Parent the parent snapshot's InstanceID (empty for a root),
// CreationTime when it was taken. The configuration's drives name the frozen disks.
Result<void> WriteSnapshotExpFile(const SnapshotRecord& snapshot, const std::filesystem::path& file);
// configuration.id is the system's Guid; configuration.name and creation_time are empty (the
// system's own are kept when a snapshot is applied). kInvalidParameter naming the file.
Result<SnapshotRecord> ReadSnapshotExpFile(const std::filesystem::path& file);

}  // namespace vsm::package
