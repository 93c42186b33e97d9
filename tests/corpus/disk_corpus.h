// A damaged-disk corpus case: a real disk (or chain) made by qemu-img and vsm, one precise
// damage, and the error the public API must give for it. The cases are data (see
// damaged_disk_corpus_test.cc and damaged_chain_corpus_test.cc); one test runs them all.
// Test-only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "core/return_code.h"
#include "corpus_case.h"
#include "disk/disk_chain.h"
#include "disk/disk_layer.h"

namespace vsm::corpus {

// The public entries, in the order each builds on the one before: DiskLayer::Open runs
// InspectDisk's checks and more, DiskChain::Open opens the leaf as a DiskLayer and then its
// parents.
enum class Entry { kInspectDisk = 0, kDiskLayerOpen = 1, kDiskChainOpen = 2 };

// What a case opens.
struct Target {
  std::filesystem::path path;
  disk::ChainOptions options;  // for DiskChain::Open
};

struct DiskCase {
  std::string name;    // the test's name
  std::string damage;  // what is done to the file, in words
  // Makes the undamaged disk(s); the test first checks that they open every way.
  std::function<Target(Workspace&)> make;
  // Damages them (and may change the target, e.g. rename it or set chain options), recording
  // in the workspace the values the expected message names.
  std::function<void(Workspace&, Target&)> damage_it;
  // The first entry that refuses the damaged disk; those before it must accept it, it and
  // those after it must give the same error. Ignored when `opens`.
  Entry first_to_fail = Entry::kInspectDisk;
  ReturnCode code = ReturnCode::kInvalidParameter;
  std::string message;  // with {path} (the target) and the names damage_it set
  Match match = Match::kExact;
  // Set for a damage the disk survives: every entry must open it, and this checks the layer.
  std::function<void(Workspace&, const disk::DiskLayer&)> opens;
};

inline std::ostream& operator<<(std::ostream& out, const DiskCase& c) {
  return out << c.name << " (" << c.damage << ")";
}

class DamagedDiskTest : public ::testing::TestWithParam<DiskCase> {};

// The test name of a case.
std::string DiskCaseName(const ::testing::TestParamInfo<DiskCase>& info);

// Makes a qemu-img disk named `name` of `kind` as the target.
std::function<Target(Workspace&)> MakeQemu(const std::string& name, testing::QemuDiskKind kind,
                                           uint64_t size_mb = 16);

}  // namespace vsm::corpus
