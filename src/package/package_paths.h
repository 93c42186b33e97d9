// Paths inside a package: every relative path a package names must stay inside it, and nothing
// inside may be a symbolic link or a hard link (either could lead to a file outside).
#pragma once

#include <filesystem>
#include <string>

#include "core/guid.h"
#include "core/result.h"

namespace vsm::package {

// The package's layout.
inline constexpr char kConfigFile[] = "config.xml";
inline constexpr char kDefinitionsDirectory[] = "Virtual Machines";
inline constexpr char kDisksDirectory[] = "Virtual Hard Disks";
inline constexpr char kSnapshotsDirectory[] = "Snapshots";

// "Virtual Machines/<GUID>.exp": where a package holds the definition of system `id`.
std::string DefinitionPathFor(const Guid& id);
// "Snapshots/<GUID>.exp": where a package holds snapshot `id`.
std::string SnapshotPathFor(const Guid& id);

// How every refusal of a package whose bytes are not the ones exported ends: the fix.
inline constexpr char kRecopyAdvice[] =
    "copy the package again from where it was exported, or export the system again";

// Checks the text of a relative path from config.xml: '/'-separated, no empty, "." or ".."
// segment, not absolute, no backslash or NUL. kInvalidParameter naming `config_path` (the
// config.xml it came from) and the path otherwise.
Result<void> CheckRelativePath(const std::filesystem::path& config_path,
                               const std::string& relative_path);

// Resolves `relative_path` under `directory` without following links: each component is
// lstat'ed; a symbolic link anywhere is refused, and so, if `refuse_hard_links`, is a final
// regular file with more than one link (used for disks: the import makes them the system's,
// and a hard link would share their data with a file outside the package). Returns the
// absolute path. A missing final file is an error only if `must_exist`.
Result<std::filesystem::path> ResolveInside(const std::filesystem::path& directory,
                                            const std::string& relative_path, bool must_exist,
                                            bool refuse_hard_links = false);

}  // namespace vsm::package
