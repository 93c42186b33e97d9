// The damaged packages of the corpus: each case starts from a package WritePackage exported
// (CopyVmState TRUE) from qemu-img disks — a VHD, a VHDX and a VHDX differencing chain — damages
// it in one named way, and states the exact error of the first import check that refuses it
// (ReadPackage or VerifyPackage). Digests a message names are computed with standard tools, the
// disk structures read by corpus_files.h, independently of vsm.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "corpus_files.h"
#include "package_corpus.h"

namespace vsm::corpus {
namespace {

namespace fs = std::filesystem;
using testing::QemuDiskKind;

constexpr uint64_t kMiB = 1 << 20;
// The fix every message about a package whose bytes differ from the export ends with.
const std::string kRecopy =
    "copy the package again from where it was exported, or export the system again";

std::vector<uint8_t> Bytes(const std::string& text) { return {text.begin(), text.end()}; }

// Records the digest config.xml lists for `relative` as {expected} and the file's own as
// {found}; call after the damage.
void RecordDigests(Workspace& w, const fs::path& package, const std::string& relative) {
  w.Set("expected", ListedDigest(package, relative));
  w.Set("found", ToolsDigest(package / relative));
}

// Moves `relative` out of the package to outside/<its name> beside it; returns where it went.
fs::path MoveOutside(Workspace& w, const fs::path& package, const std::string& relative) {
  const fs::path outside = w.Path("outside") / fs::path(relative).filename();
  fs::create_directories(outside.parent_path());
  fs::rename(package / relative, outside);
  w.Set("outside", outside);
  return outside;
}

// Copies `relative` out of the package to outside/<its name>; returns the copy.
fs::path CopyOutside(Workspace& w, const fs::path& package, const std::string& relative) {
  const fs::path outside = w.Path("outside") / fs::path(relative).filename();
  fs::create_directories(outside.parent_path());
  fs::copy_file(package / relative, outside);
  w.Set("outside", outside);
  return outside;
}

const std::string kBoot = "Virtual Hard Disks/boot.vhd";
const std::string kData = "Virtual Hard Disks/data.vhdx";
const std::string kBase = std::string("Virtual Hard Disks/") + kPackagedBase;
const std::string kChild = "Virtual Hard Disks/child.avhdx";

// A path config.xml lists, changed to `to`: ReadPackage refuses the text before it looks.
std::function<void(Workspace&, const fs::path&)> ListBootAs(const std::string& to) {
  return [to](Workspace& w, const fs::path& package) {
    EditConfig(package, "path=\"" + kBoot + "\"", "path=\"" + to + "\"");
    w.Set("listed", to);
  };
}

std::vector<PackageCase> DiskCases() {
  return {
      {.name = "DiskDataByteFlipped",
       .damage = "one byte of the first data block of the packaged VHDX data.vhdx inverted",
       .damage_it =
           [](Workspace& w, const fs::path& package) {
             // A data byte, not a header: only the digest can see it.
             const VhdxLayout vhdx = ReadVhdx(package / kData);
             XorByte(package / kData, (vhdx.bat[0] >> 20) * kMiB + 100, 0xff);
             RecordDigests(w, package, kData);
           },
       .first_to_fail = PackageEntry::kVerifyPackage,
       .message = "'{data}' does not match its sha256-1m-blocks digest in config.xml (expected "
                  "{expected}, found {found}): the file is damaged or was modified; " +
                  kRecopy},
      {.name = "DiskTruncatedBy4KiB",
       .damage = "the packaged VHD boot.vhd cut 4 KiB short",
       .damage_it =
           [](Workspace& w, const fs::path& package) {
             const uint64_t size = fs::file_size(package / kBoot);
             Truncate(package / kBoot, size - 4096);
             w.Set("size", size - 4096);
             w.Set("listed", size);
           },
       .first_to_fail = PackageEntry::kVerifyPackage,
       .message = "'{boot}' is {size} bytes; config.xml says {listed}: the package is "
                  "incomplete or was modified; " +
                  kRecopy},
      {.name = "DiskDeleted",
       .damage = "the packaged VHDX data.vhdx deleted (config.xml still lists it)",
       .damage_it = [](Workspace&, const fs::path& package) { fs::remove(package / kData); },
       .first_to_fail = PackageEntry::kVerifyPackage,
       .message =
           "'{data}' is missing: config.xml lists it, so the package is incomplete; " + kRecopy},
      {.name = "DiskSymlinkToACopyOutside",
       .damage = "boot.vhd replaced by a symbolic link to a copy of it outside the package",
       .damage_it =
           [](Workspace& w, const fs::path& package) {
             fs::create_symlink(MoveOutside(w, package, kBoot), package / kBoot);
           },
       .message = "'{boot}' is a symbolic link; a package may not link outside itself, so it is "
                  "refused before anything is read through it: replace the link with the file "
                  "it names (cp -L), or export the system again"},
      {.name = "DiskHardLinkToAFileOutside",
       .damage = "data.vhdx replaced by a hard link to a file outside the package (2 links)",
       .damage_it =
           [](Workspace& w, const fs::path& package) {
             fs::create_hard_link(MoveOutside(w, package, kData), package / kData);
           },
       .message = "'{data}' has 2 hard links; a hard link may share the file with one outside "
                  "the package, so it is refused (copy the file to break the link)"},
  };
}

std::vector<PackageCase> ManifestCases() {
  return {
      {.name = "ConfigXmlTruncated",
       .damage = "config.xml cut just before its closing </vsm-export> tag",
       .damage_it =
           [](Workspace& w, const fs::path& package) {
             const std::vector<uint8_t> text = ReadAll(package / "config.xml");
             const std::vector<uint8_t> close = Bytes("</vsm-export>");
             const uint64_t at = static_cast<uint64_t>(
                 std::search(text.begin(), text.end(), close.begin(), close.end()) - text.begin());
             ASSERT_LT(at, text.size());
             Truncate(package / "config.xml", at);
             w.Set("last", at - 1);
           },
       // pugixml's words and offset: the root element is still open at the file's last byte.
       .message = "'{config}' is not valid XML: Start-end tags mismatch at byte {last}; the file "
                  "is damaged or cut short: " +
                  kRecopy},
      {.name = "ConfigXmlFormatVersionRaised",
       .damage = "config.xml's format-version raised from 3 to 4",
       .damage_it =
           [](Workspace&, const fs::path& package) {
             EditConfig(package, "format-version=\"3\"", "format-version=\"4\"");
           },
       .message = "'{config}' has format version 4; this vsm reads versions 1 to 3: upgrade vsm"},
      {.name = "ListedPathWithDotDot",
       .damage = "config.xml lists boot.vhd as 'Virtual Hard Disks/../../boot.vhd'",
       .damage_it = ListBootAs("Virtual Hard Disks/../../boot.vhd"),
       .message =
           "'{config}' names '{listed}', which contains '..' or '.'; a package may only name "
           "files inside itself, so it was not written by an export or was modified: "
           "export the system again"},
      {.name = "ListedPathAbsolute",
       .damage = "config.xml lists boot.vhd by the absolute path of a copy outside the package",
       .damage_it =
           [](Workspace& w, const fs::path& package) {
             ListBootAs(CopyOutside(w, package, kBoot).string())(w, package);
           },
       .message = "'{config}' names '{listed}', which is an absolute path; a package may only name "
                  "files inside itself, so it was not written by an export or was modified: "
                  "export the system again"},
      {.name = "ListedPathWithBackslash",
       .damage = "config.xml lists boot.vhd as 'Virtual Hard Disks\\boot.vhd'",
       .damage_it = ListBootAs("Virtual Hard Disks\\boot.vhd"),
       .message =
           "'{config}' names '{listed}', which contains a backslash; a package may only name "
           "files inside itself, so it was not written by an export or was modified: "
           "export the system again"},
      {.name = "ExpDeleted",
       .damage = "the system's 'Virtual Machines' .exp deleted (config.xml still lists it)",
       .damage_it = [](Workspace& w, const fs::path&) { fs::remove(w.Fill("{exp}")); },
       .message =
           "'{exp}' is missing: config.xml lists it, so the package is incomplete; " + kRecopy},
      {.name = "ExpBytesChanged",
       .damage = "the .exp's memory edited from 2048 to 4096 MB (same length, still valid)",
       .damage_it =
           [](Workspace& w, const fs::path& package) {
             EXPECT_EQ(ReplaceEverywhere(w.Fill("{exp}"), Bytes("<VALUE>2048</VALUE>"),
                                         Bytes("<VALUE>4096</VALUE>")),
                       1u);
             RecordDigests(w, package, w.Fill("{exp_relative}"));
           },
       .first_to_fail = PackageEntry::kVerifyPackage,
       .message = "'{exp}' does not match its sha256-1m-blocks digest in config.xml (expected "
                  "{expected}, found {found}): the file is damaged or was modified; " +
                  kRecopy},
      {.name = "UnlistedFileIsIgnored",
       .damage = "a qemu-img VHDX stray.vhdx added to 'Virtual Hard Disks', not in config.xml",
       .damage_it =
           [](Workspace& w, const fs::path&) {
             // Ignored by design: the import uses only what config.xml lists, so an extra file
             // is neither read nor imported.
             w.Qemu("exports/web01/Virtual Hard Disks/stray.vhdx", QemuDiskKind::kVhdxDynamic);
           },
       .ignored = true},
  };
}

std::vector<PackageCase> ChainCases() {
  return {
      {.name = "ChainParentRemoved",
       .damage = "the parent base-of-chain.vhdx of child.avhdx deleted and dropped from "
                 "config.xml",
       .damage_it =
           [](Workspace& w, const fs::path& package) {
             const VhdxLayout base = ReadVhdx(package / kBase);
             w.Set("wanted", "DataWriteGuid " + base.headers[base.current].data_write_guid);
             w.Set("location", std::string(".\\") + kPackagedBase);
             fs::remove(package / kBase);
             DropFromConfig(package, kBase);
           },
       .first_to_fail = PackageEntry::kVerifyPackage,
       .message = "'{child}' needs its parent '{location}' ({wanted}), which was not found; "
                  "looked at: '{base}'"},
      {.name = "ChainParentUnlisted",
       .damage = "the parent base-of-chain.vhdx of child.avhdx dropped from config.xml, kept "
                 "in the package",
       .damage_it = [](Workspace&, const fs::path& package) { DropFromConfig(package, kBase); },
       .first_to_fail = PackageEntry::kVerifyPackage,
       .message = "'{base}' is the parent of '{child}', but config.xml does not list it, so "
                  "nothing proves its content: the package is incomplete or was modified; " +
                  kRecopy},
      {.name = "ChainParentLocatorLeadsOutside",
       .damage = "child.avhdx's parent locator '.\\base-of-chain.vhdx' edited to "
                 "'..\\..\\outside\\b.vhdx' (same length), a copy of the parent there",
       .damage_it =
           [](Workspace& w, const fs::path& package) {
             // The copy has the identity the child wants: only where it lies is wrong.
             const fs::path outside = w.Path("exports/outside/b.vhdx");
             fs::create_directories(outside.parent_path());
             fs::copy_file(package / kBase, outside);
             // Once: RepointParent zeroes the item CreateDifferencingDisk wrote, so the only
             // copy of the path is the locator the child uses.
             EXPECT_EQ(
                 ReplaceEverywhere(package / kChild, Utf16Le(std::string(".\\") + kPackagedBase),
                                   Utf16Le("..\\..\\outside\\b.vhdx")),
                 1u);
             w.Set("outside", outside);
           },
       .first_to_fail = PackageEntry::kVerifyPackage,
       .message = "'{child}' names parent '{outside}', which lies outside '{disks}'; a "
                  "package's disks must stay inside it"},
  };
}

INSTANTIATE_TEST_SUITE_P(PackageDisk, DamagedPackageTest, ::testing::ValuesIn(DiskCases()),
                         PackageCaseName);
INSTANTIATE_TEST_SUITE_P(PackageManifest, DamagedPackageTest, ::testing::ValuesIn(ManifestCases()),
                         PackageCaseName);
INSTANTIATE_TEST_SUITE_P(PackageChain, DamagedPackageTest, ::testing::ValuesIn(ChainCases()),
                         PackageCaseName);

}  // namespace
}  // namespace vsm::corpus
