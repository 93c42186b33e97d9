// DiskChain: a differencing disk and every parent below it, opened and proven link by link, read
// as the one disk a guest sees. Where qemu opens a differencing VHD without its parent and reads
// zeros, a chain that cannot be proven does not open at all. Thread-compatible: concurrent reads
// are safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "disk/disk_layer.h"

namespace vsm::disk {

// Hyper-V allows 50 checkpoints per virtual machine; a chain deeper than this is damage (or a
// loop through different names), not a configuration.
inline constexpr size_t kMaxChainDepth = 64;

struct ChainOptions {
  size_t max_depth = kMaxChainDepth;  // layers in all, the leaf included
  // When set, every parent must lie inside this directory (after symbolic links are resolved):
  // a package's disks may not reach out of the package. Checked before the parent is opened.
  std::optional<std::filesystem::path> confine_to;
  DiskLayer::Access leaf_access = DiskLayer::Access::kReadOnly;  // parents are always read-only
};

// Where the parent of `child` would be looked for, in order: each location the child records
// (Windows separators turned into '/'; a relative one taken from the child's directory), then the
// recorded file name in the child's directory (a package keeps a chain's files together, and a
// Windows path such as "C:\VMs\base.vhdx" names nothing here). Duplicates removed.
std::vector<std::filesystem::path> ParentCandidates(const std::filesystem::path& child,
                                                    const ParentReference& reference);

class DiskChain final : public ParentReader {
 public:
  // Opens `leaf` and its parents. Each link is proven: the parent is found (ParentCandidates, the
  // first that exists), lies inside options.confine_to, is not already in the chain, is in the
  // child's format, has the child's virtual size, and has the identity the child recorded.
  // Errors (kInvalidParameter), each naming the child and the parent it wanted:
  //   "'<child>' needs its parent '<location>' (identity <id>), which was not found; looked at:
  //    '<a>', '<b>'"
  //   "'<child>' names parent '<p>', but '<p>' is <identity found>, not the disk the child was
  //    made from (<identity wanted>): the parent was written to or replaced after the child was
  //    made"
  //   "'<child>' names parent '<p>', which lies outside '<confine_to>'"
  //   "'<child>' names parent '<p>', which is already in its chain: the chain loops"
  //   "the chain of '<leaf>' is deeper than <n> disks"
  // and the layers' own validation errors.
  static Result<DiskChain> Open(const std::filesystem::path& leaf,
                                const ChainOptions& options = {});

  DiskChain(DiskChain&&) noexcept;
  DiskChain& operator=(DiskChain&&) noexcept;
  ~DiskChain() override;

  // The layers, the leaf first and the base last.
  size_t depth() const { return state_->layers.size(); }
  DiskLayer& layer(size_t index) { return *state_->layers[index]; }
  const DiskLayer& layer(size_t index) const { return *state_->layers[index]; }
  uint64_t virtual_size_bytes() const { return layer(0).info().virtual_size_bytes; }

  // The virtual bytes at `offset` as the guest sees them (the leaf, falling through to parents).
  Result<void> ReadVirtual(uint64_t offset, std::span<uint8_t> out) const override;

  // The chain below layer `index` as a ParentReader (for a write into that layer).
  // REQUIRES: index + 1 < depth()
  const ParentReader& Below(size_t index) const;

 private:
  // Reads from one layer downward. Held by pointer so that moving the chain moves nothing that
  // a Tail points to.
  class Tail;
  struct State {
    std::vector<std::unique_ptr<DiskLayer>> layers;
    std::vector<std::unique_ptr<Tail>> below;  // below[i] reads layers i+1 and down
  };

  DiskChain();

  std::unique_ptr<State> state_;
};

}  // namespace vsm::disk
