// A damaged-package corpus case: a package freshly exported by WritePackage (CopyVmState TRUE)
// from real qemu-img disks, one precise damage, and the error the import checks must give for
// it. The cases are data (see damaged_package_corpus_test.cc); one test runs them all.
// Test-only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>

#include "core/return_code.h"
#include "corpus_case.h"

namespace vsm::corpus {

// The import checks, in the order an import runs them: ReadPackage checks the structure,
// VerifyPackage every byte of the package it returned.
enum class PackageEntry { kReadPackage = 0, kVerifyPackage = 1 };

// The package every case starts from, under the workspace's root:
//   disks/boot.vhd (VHD dynamic), disks/data.vhdx (VHDX dynamic), disks/base-of-chain.vhdx
//   (VHDX dynamic) <- disks/child.avhdx (differencing), one drive each but the base;
//   exports/web01/ the package, with all four disks in 'Virtual Hard Disks'.
// These values are set before damage_it runs: {package}, {config} (its config.xml), {disks}
// (its 'Virtual Hard Disks'), {exp} (its 'Virtual Machines' .exp), {exp_relative} (the .exp as
// config.xml lists it), {boot}, {data}, {base} and {child} (the packaged disks).
inline constexpr char kPackagedBase[] = "base-of-chain.vhdx";

struct PackageCase {
  std::string name;    // the test's name
  std::string damage;  // what is done to the package, in words
  // Damages the package at `package`, recording in the workspace the values the expected
  // message names.
  std::function<void(Workspace&, const std::filesystem::path& package)> damage_it;
  // The first entry that refuses the damaged package; ReadPackage must accept it if that is
  // VerifyPackage. Ignored when `ignored`.
  PackageEntry first_to_fail = PackageEntry::kReadPackage;
  ReturnCode code = ReturnCode::kInvalidParameter;
  std::string message;  // with the names above and those damage_it set
  Match match = Match::kExact;
  // Set for a damage the import checks ignore by design: both entries must accept it.
  bool ignored = false;
};

inline std::ostream& operator<<(std::ostream& out, const PackageCase& c) {
  return out << c.name << " (" << c.damage << ")";
}

class DamagedPackageTest : public ::testing::TestWithParam<PackageCase> {};

// The test name of a case.
std::string PackageCaseName(const ::testing::TestParamInfo<PackageCase>& info);

// The sha256-1m-blocks digest config.xml lists for `relative` (as written, before any damage).
std::string ListedDigest(const std::filesystem::path& package, const std::string& relative);
// The sha256-1m-blocks digest of a file as docs/export-format.md tells users to compute it with
// standard tools (split, openssl, sha256sum), independently of vsm's hasher.
std::string ToolsDigest(const std::filesystem::path& file);
// Removes the <file> element of config.xml whose path is `relative`.
void DropFromConfig(const std::filesystem::path& package, const std::string& relative);
// Replaces the one occurrence of `from` in config.xml by `to`.
void EditConfig(const std::filesystem::path& package, const std::string& from,
                const std::string& to);

}  // namespace vsm::corpus
