// libvhdi (Debian's libvhdi-dev) as an independent reader of VHD and VHDX chains: it follows
// parents when it is given them, so what it reads through a leaf is what a guest would see,
// decided by code that is not vsm's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace vsm::testing {

// The whole virtual disk read through the chain whose files are `paths` (the leaf first, the
// base last). Fails the current test (ADD_FAILURE) and returns what it could read on error.
std::vector<uint8_t> ReadWithLibvhdi(const std::vector<std::filesystem::path>& paths);

}  // namespace vsm::testing
