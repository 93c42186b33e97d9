// The export package, format version 2: what ExportVirtualSystem writes and ImportVirtualSystem
// reads (version 1 packages stay readable). Layout (documented in docs/export-format.md):
//   <ExportDirectory>/<ElementName>/           <- the ImportDirectory
//     config.xml                               format version, system Guid and name, every file
//                                              with size and digest, the drives' original paths
//     Virtual Machines/<GUID>.exp              the definition as DSP0201 INSTANCE elements
//     Snapshots/<GUID>.exp                     each snapshot's configuration (CopyVmState TRUE)
//     Virtual Hard Disks/<file>                copies of the disks (CopyVmState TRUE only)
// Thread-safe (no state).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/progress.h"
#include "core/result.h"
#include "core/snapshot.h"
#include "core/system_definition.h"
#include "disk/content_digest.h"
#include "disk/copy_batch.h"

namespace vsm::package {

// Version 2 records each file's digest as disk::DigestAlgorithm::kSha256Blocks, whose cost does
// not grow with a thin disk's holes; version 1 recorded the plain SHA-256. Version 3 adds the
// snapshot tree (files of role "snapshot"), which a version 2 reader would not know.
inline constexpr int kFormatVersion = 3;
inline constexpr int kOldestReadableFormatVersion = 1;

// The digest algorithm of a package format version.
disk::DigestAlgorithm DigestAlgorithmFor(int format_version);

struct PackageFile {
  std::string relative_path;  // inside the package, '/'-separated, e.g. "Virtual Hard Disks/a.vhdx"
  uint64_t size_bytes = 0;
  std::string digest_hex;  // DigestAlgorithmFor(the package's format_version)
};

struct Package {
  std::filesystem::path directory;  // the ImportDirectory, absolute and lexically normal
  int format_version = kFormatVersion;
  bool contains_disks = false;      // CopyVmState was TRUE
  // The definition; each drive's path is absolute: inside `directory` for disks the package
  // holds, the original path for a configuration-only export and for ISO files.
  SystemDefinition system;
  // The snapshot tree, parents before their children; drive paths as in `system`. Each
  // configuration's name and creation_time are the system's.
  std::vector<SnapshotRecord> snapshots;
  std::vector<PackageFile> files;   // every file config.xml lists (all but config.xml itself)
};

struct ExportOptions {
  bool copy_vm_state = true;
  // How many disks are copied at once.
  size_t max_parallel_copies = disk::kDefaultMaxParallelFiles;
  // Where the package is built; it is renamed to <export_directory>/<system.name> when complete.
  // Must be on the same filesystem as export_directory (a hidden sibling of the target).
  std::filesystem::path staging_directory;
};

// The hidden sibling a package for `name` is built in by a job with id `job_id`.
std::filesystem::path StagingDirectoryFor(const std::filesystem::path& export_directory,
                                          const std::string& name, const std::string& job_id);

// Writes the package of `system` to `<export_directory>/<system.name>/`, building it in
// options.staging_directory and renaming it into place when complete (data and directories
// fsynced first). Copies each disk (hashing in the same pass) and reports bytes to `progress`.
// With copy_vm_state, `snapshots` (the system's, any order) are exported too: a .exp each, and
// every layer of every chain their drives and the system's name, each file once, each child
// re-pointed to its parent's copy by relative path; without, they are not exported (the
// configuration-only package names the system's current disks only).
// Errors: the target exists (kInvalidParameter "'<target>' already exists; ..."), a disk
// missing or unreadable, cancellation (kFailed "... cancelled"), I/O errors. On any error
// nothing is left: the staging directory is removed. Returns the package directory.
Result<std::filesystem::path> WritePackage(const SystemDefinition& system,
                                           const std::vector<SnapshotRecord>& snapshots,
                                           const std::filesystem::path& export_directory,
                                           const ExportOptions& options, Progress& progress);

// Reads config.xml and the .exp of the package at `import_directory` and checks the structure:
// the files parse, the format version is known, every path listed stays inside the package
// (no "..", no absolute path, no symbolic link leading out), and the snapshot tree is a tree of
// this system's snapshots whose every parent is in the package. A directory without config.xml
// whose subdirectories hold packages (the ExportDirectory was passed instead of its
// subdirectory): kInvalidParameter naming each subdirectory to pass instead. Reads no disk data.
Result<Package> ReadPackage(const std::filesystem::path& import_directory);

// Verifies every byte the import relies on: each listed file exists with its size and SHA-256
// (first mismatch: kInvalidParameter naming the file, expected and found), each disk's headers
// are valid (disk::InspectDisk), the chain of every drive of the system and of each snapshot
// is proven link by link inside the package; for a configuration-only package,
// each disk the definition names exists and is valid (kInvalidParameter naming each missing
// one). Reports bytes hashed to `progress`; stops when cancelled.
// Up to `max_parallel` files are verified at once.
Result<void> VerifyPackage(const Package& package, Progress& progress,
                           size_t max_parallel = disk::kDefaultMaxParallelFiles);

}  // namespace vsm::package
