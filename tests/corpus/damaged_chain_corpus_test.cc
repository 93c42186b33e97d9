// The damaged differencing chains of the corpus: a base made by qemu-img, children made by
// disk::CreateDifferencingDisk, then one link broken in one named way. Each case states the
// exact error DiskChain::Open gives (the leaf alone still passes InspectDisk and
// DiskLayer::Open), for VHD (on a fixed base) and VHDX (on a dynamic base).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "corpus_files.h"
#include "disk_corpus.h"

namespace vsm::corpus {
namespace {

namespace fs = std::filesystem;
using testing::QemuDiskKind;

struct ChainFormat {
  std::string label;
  bool vhdx = false;
  QemuDiskKind base_kind;
  std::string ext;        // of the base
  std::string child_ext;  // of a checkpoint
};

const ChainFormat kVhd = {"Vhd", false, QemuDiskKind::kVhdFixed, ".vhd", ".avhd"};
const ChainFormat kVhdx = {"Vhdx", true, QemuDiskKind::kVhdxDynamic, ".vhdx", ".avhdx"};

// The identity a chain error prints for the disk at `path`, read from its bytes.
std::string IdentityOf(const ChainFormat& f, const fs::path& path) {
  if (f.vhdx) {
    const VhdxLayout vhdx = ReadVhdx(path);
    return "DataWriteGuid " + vhdx.headers[vhdx.current].data_write_guid;
  }
  const VhdLayout vhd = ReadVhd(path);
  return "unique id " + vhd.unique_id + ", time stamp " + std::to_string(vhd.timestamp);
}

uint64_t VirtualSizeOf(const ChainFormat& f, const fs::path& path) {
  return f.vhdx ? ReadVhdx(path).virtual_size : ReadVhd(path).current_size;
}

// base<ext> <- child<child_ext> in the workspace's root; the child is the target.
std::function<Target(Workspace&)> BaseAndChild(const ChainFormat& f) {
  return [f](Workspace& w) {
    const fs::path base = w.Qemu("base" + f.ext, f.base_kind);
    w.Set("base", base);
    return Target{w.Child("child" + f.child_ext, base), {}};
  };
}

// Makes `a` name `b` as its parent, with b's identity, by editing a's bytes: the locations
// (every spelling of `a_parent_name` becomes `b_name`, which has the same length) and the
// recorded identity. Then a -> b -> a.
void PointAt(const ChainFormat& f, const fs::path& a, const std::string& a_parent_name,
             const fs::path& a_parent, const fs::path& b) {
  const std::string b_name = b.filename().string();
  // A VHD spells the parent in UTF-16BE (its Parent Unicode Name) and UTF-16LE (W2ru, W2ku).
  // Shifted by one byte each spelling contains the other, so the big-endian one goes first (a
  // little-endian replacement would break it) and may already fix the little-endian ones.
  if (!f.vhdx) {
    EXPECT_GT(ReplaceEverywhere(a, Utf16Be(a_parent_name), Utf16Be(b_name)), 0u);
  }
  ReplaceEverywhere(a, Utf16Le(a_parent_name), Utf16Le(b_name));
  EXPECT_EQ(ReplaceEverywhere(a, Utf16Le(a_parent_name), Utf16Le(a_parent_name)), 0u)
      << a << " still names " << a_parent_name;
  if (f.vhdx) {
    const VhdxLayout parent = ReadVhdx(a_parent);
    const VhdxLayout target = ReadVhdx(b);
    EXPECT_GT(ReplaceEverywhere(a, Utf16Le(parent.headers[parent.current].data_write_linkage),
                                Utf16Le(target.headers[target.current].data_write_linkage)),
              0u);
    return;
  }
  const VhdLayout child = ReadVhd(a);
  const VhdLayout target = ReadVhd(b);
  const std::vector<uint8_t> unique_id = ReadBytes(b, target.footer_offset + 68, 16);
  const std::vector<uint8_t> timestamp = ReadBytes(b, target.footer_offset + 24, 4);
  WriteBytes(a, child.header_offset + 40, unique_id);
  WriteBytes(a, child.header_offset + 56, timestamp);
  FixVhdDynamicHeaderChecksum(a, child.header_offset);
}

std::vector<DiskCase> ChainCases(const ChainFormat& f) {
  std::vector<DiskCase> cases = {
      {.name = f.label + "ParentMissing",
       .damage = "the parent of a differencing disk deleted",
       .make = BaseAndChild(f),
       .damage_it =
           [f](Workspace& w, Target&) {
             w.Set("location", ".\\base" + f.ext);
             w.Set("wanted", IdentityOf(f, w.Path("base" + f.ext)));
             fs::remove(w.Path("base" + f.ext));
           },
       .first_to_fail = Entry::kDiskChainOpen,
       .message = "'{path}' needs its parent '{location}' ({wanted}), which was not found; "
                  "looked at: '{base}'"},
      {.name = f.label + "ParentReplacedByAnotherDisk",
       .damage = "the parent replaced by another qemu-img disk of the same name and size",
       .make = BaseAndChild(f),
       .damage_it =
           [f](Workspace& w, Target&) {
             w.Set("wanted", IdentityOf(f, w.Path("base" + f.ext)));
             fs::remove(w.Path("base" + f.ext));
             w.Set("found", IdentityOf(f, w.Qemu("base" + f.ext, f.base_kind)));
           },
       .first_to_fail = Entry::kDiskChainOpen,
       .message = "'{path}' names parent '{base}', but '{base}' has {found}, not the disk the "
                  "child was made from ({wanted}): the parent was written to or replaced after "
                  "the child was made"},
      {.name = f.label + "ParentOfAnotherSize",
       .damage = "the parent replaced by a qemu-img disk of twice the size",
       .make = BaseAndChild(f),
       .damage_it =
           [f](Workspace& w, Target& t) {
             fs::remove(w.Path("base" + f.ext));
             w.Set("size", VirtualSizeOf(f, t.path));
             w.Set("parent_size", VirtualSizeOf(f, w.Qemu("base" + f.ext, f.base_kind, 32)));
           },
       .first_to_fail = Entry::kDiskChainOpen,
       .message = "'{path}' ({size} bytes) names parent '{base}', which has a virtual size of "
                  "{parent_size} bytes"},
      {.name = f.label + "ChainLoopsAToBToA",
       .damage = "disk1 (child of disk0) edited to name disk2 (child of disk1), identity too",
       .make =
           [f](Workspace& w) {
             const fs::path disk0 = w.Qemu("disk0" + f.ext, f.base_kind);
             const fs::path disk1 = w.Child("disk1" + f.ext, disk0);
             w.Set("b", w.Child("disk2" + f.ext, disk1));
             return Target{disk1, {}};
           },
       .damage_it =
           [f](Workspace& w, Target& t) {
             PointAt(f, t.path, "disk0" + f.ext, w.Path("disk0" + f.ext), w.Path("disk2" + f.ext));
           },
       .first_to_fail = Entry::kDiskChainOpen,
       .message = "'{b}' names parent '{path}', which is already in its chain: the chain loops"},
      {.name = f.label + "ChainDeeperThanMaxDepth",
       .damage = "a chain of 4 disks (base and 3 checkpoints) opened with max_depth 3",
       .make =
           [f](Workspace& w) {
             fs::path parent = w.Qemu("base" + f.ext, f.base_kind);
             for (int level = 1; level <= 3; ++level) {
               parent = w.Child("snap" + std::to_string(level) + f.child_ext, parent);
             }
             return Target{parent, {}};
           },
       .damage_it =
           [f](Workspace& w, Target& t) {
             t.options.max_depth = 3;
             w.Set("third", w.Path("snap1" + f.child_ext));
           },
       .first_to_fail = Entry::kDiskChainOpen,
       .message = "the chain of '{path}' is deeper than 3 disks; '{third}' still names a parent "
                  "(a chain this deep is damaged or loops through different names)"},
      {.name = f.label + "ParentOutsideConfineTo",
       .damage = "a child in package/ whose parent lies beside the directory, confined to package/",
       .make =
           [f](Workspace& w) {
             const fs::path base = w.Qemu("base" + f.ext, f.base_kind);
             w.Set("base", base);
             return Target{w.Child("package/child" + f.child_ext, base), {}};
           },
       .damage_it =
           [](Workspace& w, Target& t) {
             t.options.confine_to = w.Path("package");
             w.Set("confine", w.Path("package"));
           },
       .first_to_fail = Entry::kDiskChainOpen,
       .message = "'{path}' names parent '{base}', which lies outside '{confine}'; a package's "
                  "disks must stay inside it"},
      {.name = f.label + "ParentSymlinkLeadsOutsideConfineTo",
       .damage = "the parent in package/ moved outside and replaced by a symbolic link to it",
       .make =
           [f](Workspace& w) {
             const fs::path base = w.Qemu("package/base" + f.ext, f.base_kind);
             return Target{w.Child("package/child" + f.child_ext, base), {}};
           },
       .damage_it =
           [f](Workspace& w, Target& t) {
             const fs::path link = w.Path("package/base" + f.ext);
             fs::rename(link, w.Path("base" + f.ext));
             fs::create_symlink("../base" + f.ext, link);
             t.options.confine_to = w.Path("package");
             w.Set("link", link);
             w.Set("confine", w.Path("package"));
           },
       .first_to_fail = Entry::kDiskChainOpen,
       .message = "'{path}' names parent '{link}', which lies outside '{confine}'; a package's "
                  "disks must stay inside it"},
  };
  if (!f.vhdx) {
    cases.push_back(
        {.name = "VhdParentFooterChecksumWrong",
         .damage = "one bit of the parent's footer checksum flipped",
         .make = BaseAndChild(f),
         .damage_it =
             [](Workspace& w, Target&) {
               const fs::path base = w.Path("base.vhd");
               const VhdLayout vhd = ReadVhd(base);
               const uint32_t stored =
                   LoadBe32(ReadBytes(base, vhd.footer_offset + kVhdFooterChecksum, 4).data());
               XorByte(base, vhd.footer_offset + kVhdFooterChecksum + 3, 0x01);
               w.Set("stored", Hex32(stored ^ 1));
               w.Set("expected", Hex32(stored));
               w.Set("offset", vhd.footer_offset);
             },
         .first_to_fail = Entry::kDiskChainOpen,
         .message = "'{base}' is not a valid VHD: footer checksum is {stored}, expected "
                    "{expected}; the footer at offset {offset} is damaged"});
  } else {
    cases.push_back({.name = "VhdxParentNeedsLogReplay",
                     .damage = "a non-zero LogGuid written into both headers of the parent",
                     .make = BaseAndChild(f),
                     .damage_it =
                         [](Workspace& w, Target&) {
                           const std::vector<uint8_t> log_guid(16, 0x11);
                           EditVhdxHeader(w.Path("base.vhdx"), 0, 48, log_guid);
                           EditVhdxHeader(w.Path("base.vhdx"), 1, 48, log_guid);
                         },
                     .first_to_fail = Entry::kDiskChainOpen,
                     .message =
                         "'{base}' needs log replay (its header's LogGuid is "
                         "11111111-1111-1111-1111-111111111111); open it once in Hyper-V or run "
                         "qemu-img check -r all"});
    cases.push_back(
        {.name = "VhdxChildNamesAVhdParent",
         .damage = "a VHDX child's locators edited from base.vhdx to base0.vhd, a qemu-img VHD",
         .make = BaseAndChild(f),
         .damage_it =
             [](Workspace& w, Target& t) {
               w.Set("other", w.Qemu("base0.vhd", QemuDiskKind::kVhdFixed));
               EXPECT_GT(ReplaceEverywhere(t.path, Utf16Le("base.vhdx"), Utf16Le("base0.vhd")), 0u);
             },
         .first_to_fail = Entry::kDiskChainOpen,
         .message = "'{path}' (VHDX differencing) names parent '{other}', which is a VHD fixed: "
                    "a chain keeps one format"});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(VhdChain, DamagedDiskTest, ::testing::ValuesIn(ChainCases(kVhd)),
                         DiskCaseName);
INSTANTIATE_TEST_SUITE_P(VhdxChain, DamagedDiskTest, ::testing::ValuesIn(ChainCases(kVhdx)),
                         DiskCaseName);

}  // namespace
}  // namespace vsm::corpus
