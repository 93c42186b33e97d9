// FindOverlappingBlocks: the check both BAT readers (VHD and VHDX) make before trusting a BAT,
// that no two allocated blocks share bytes; a write to one would silently change the other.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

namespace vsm::disk {

// An allocated block as its BAT entry places it in the file.
struct PlacedBlock {
  uint64_t offset = 0;  // in the file
  uint64_t length = 0;  // bytes the block occupies there
  uint64_t entry = 0;   // its BAT entry
};

// Sorts `blocks` by offset (then entry) and returns the first two, in that order, that share
// bytes; nullopt when none do.
inline std::optional<std::pair<PlacedBlock, PlacedBlock>> FindOverlappingBlocks(
    std::vector<PlacedBlock>& blocks) {
  std::sort(blocks.begin(), blocks.end(), [](const PlacedBlock& a, const PlacedBlock& b) {
    return std::tie(a.offset, a.entry) < std::tie(b.offset, b.entry);
  });
  for (size_t i = 1; i < blocks.size(); ++i) {
    if (blocks[i - 1].offset + blocks[i - 1].length > blocks[i].offset) {
      return std::make_pair(blocks[i - 1], blocks[i]);
    }
  }
  return std::nullopt;
}

}  // namespace vsm::disk
