// InspectDisk: format detection, name checks and the errors for things that are not disks.
#include "disk/disk_image.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "disk/disk_test_util.h"

namespace vsm::disk {
namespace {

using ::testing::HasSubstr;
namespace dt = disk_testing;

class InspectDiskTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    qemu_available_ = dt::QemuToolsAvailable();
    if (!qemu_available_) return;
    dir_ = std::make_unique<dt::TempDir>();
    dt::CreateQemuDisk(*dir_, "x.vhd", "-f vpc -o subformat=dynamic", "64M");
    dt::CreateQemuDisk(*dir_, "y.vhd", "-f vpc -o subformat=fixed,force_size=on", "64M");
    dt::CreateQemuDisk(*dir_, "z.vhdx", "-f vhdx -o subformat=dynamic", "64M");
    dt::CreateQemuDisk(*dir_, "w.vhdx", "-f vhdx -o subformat=fixed", "32M");
    dt::RunOrFail("qemu-io -f vpc -c 'write -P 0xab 1M 2M' " + dt::Quote(*dir_ / "x.vhd"));
  }
  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override {
    if (!qemu_available_) GTEST_SKIP() << "qemu-img/qemu-io are not installed (qemu-utils)";
  }

  std::filesystem::path CopyAs(const std::string& disk, const std::string& name) {
    const std::filesystem::path path = work_ / name;
    dt::CopyDiskFile(*dir_ / disk, path);
    return path;
  }

  static std::string Quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

  static inline bool qemu_available_ = false;
  static inline std::unique_ptr<dt::TempDir> dir_;
  dt::TempDir work_;
};

TEST_F(InspectDiskTest, EachFormatIsInspectedAsQemuSeesIt) {
  struct Case {
    std::string name;
    std::string qemu_format;
    DiskFormat format;
  };
  for (const Case& c :
       {Case{"x.vhd", "vpc", DiskFormat::kVhdDynamic}, Case{"y.vhd", "vpc", DiskFormat::kVhdFixed},
        Case{"z.vhdx", "vhdx", DiskFormat::kVhdxDynamic},
        Case{"w.vhdx", "vhdx", DiskFormat::kVhdxFixed}}) {
    const std::filesystem::path path = *dir_ / c.name;
    Result<DiskInfo> info = InspectDisk(path);
    ASSERT_TRUE(info.ok()) << c.name << ": " << info.error().ToString();
    EXPECT_EQ(info->format, c.format) << c.name;
    EXPECT_EQ(info->virtual_size_bytes, dt::QemuVirtualSize(path, c.qemu_format)) << c.name;
    EXPECT_EQ(info->file_size_bytes, std::filesystem::file_size(path)) << c.name;
    EXPECT_FALSE(info->identifier.IsNull()) << c.name;
    EXPECT_FALSE(info->has_parent) << c.name;
  }
}

TEST_F(InspectDiskTest, CheckpointNamesAndAnyCaseAreAccepted) {
  EXPECT_TRUE(InspectDisk(CopyAs("z.vhdx", "snap.AVHDX")).ok());
  EXPECT_TRUE(InspectDisk(CopyAs("x.vhd", "snap.avhd")).ok());
  EXPECT_TRUE(InspectDisk(CopyAs("y.vhd", "DISK.VHD")).ok());
}

TEST_F(InspectDiskTest, NameWithoutDiskEndingIsInspectedByContent) {
  Result<DiskInfo> info = InspectDisk(CopyAs("z.vhdx", "disk.img"));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->format, DiskFormat::kVhdxDynamic);
}

TEST_F(InspectDiskTest, ExtensionContradictingTheContentIsAnError) {
  const std::filesystem::path vhdx_as_vhd = CopyAs("z.vhdx", "z.vhd");
  Result<DiskInfo> info = InspectDisk(vhdx_as_vhd);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(info.error().message(), Quoted(vhdx_as_vhd) +
                                        " holds a VHDX disk but its name ends "
                                        "in '.vhd'; rename it to end in '.vhdx'");

  const std::filesystem::path vhd_as_avhdx = CopyAs("x.vhd", "x.avhdx");
  EXPECT_EQ(InspectDisk(vhd_as_avhdx).error().message(),
            Quoted(vhd_as_avhdx) +
                " holds a VHD disk but its name ends in '.avhdx'; rename it "
                "to end in '.avhd'");
}

TEST_F(InspectDiskTest, CorruptDisksReportTheirOwnFormat) {
  const std::filesystem::path vhd = CopyAs("y.vhd", "broken.vhd");
  dt::WriteBytes(vhd, std::filesystem::file_size(vhd) - 512 + 70, std::vector<uint8_t>{0x01});
  EXPECT_THAT(InspectDisk(vhd).error().message(),
              HasSubstr(Quoted(vhd) + " is not a valid VHD: footer checksum is 0x"));

  const std::filesystem::path vhdx = CopyAs("w.vhdx", "broken.vhdx");
  dt::WriteBytes(vhdx, 0, std::vector<uint8_t>{'V'});
  EXPECT_THAT(InspectDisk(vhdx).error().message(),
              HasSubstr(Quoted(vhdx) + " is not a valid VHDX: signature at offset 0 is "
                                       "'Vhdxfile', expected 'vhdxfile'"));
}

TEST_F(InspectDiskTest, EmptyFileIsAnError) {
  const std::filesystem::path path = work_ / "empty.vhdx";
  dt::WriteText(path, "");
  Result<DiskInfo> info = InspectDisk(path);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(info.error().message(),
            Quoted(path) + " is empty (0 bytes), not a VHD or VHDX file; copy the disk again");
}

TEST_F(InspectDiskTest, NonDiskFilesAreErrors) {
  const std::string text(5000, 't');
  const std::filesystem::path notes = work_ / "notes.txt";
  dt::WriteText(notes, text);
  EXPECT_EQ(InspectDisk(notes).error().message(),
            Quoted(notes) +
                " is not a VHD or VHDX file: it has neither the 'vhdxfile' signature "
                "at offset 0 nor the 'conectix' footer at its end");

  const std::filesystem::path fake_vhd = work_ / "fake.vhd";
  dt::WriteText(fake_vhd, text);
  EXPECT_THAT(InspectDisk(fake_vhd).error().message(),
              HasSubstr(Quoted(fake_vhd) + " is not a valid VHD: footer cookie at offset 4488 is "
                                           "'tttttttt', expected 'conectix'"));

  const std::filesystem::path fake_vhdx = work_ / "fake.vhdx";
  dt::WriteText(fake_vhdx, "abc");
  EXPECT_THAT(InspectDisk(fake_vhdx).error().message(),
              HasSubstr(Quoted(fake_vhdx) + " is not a valid VHDX: file type identifier at "
                                            "offset 0 (8 bytes) lies beyond the end of the file "
                                            "(3 bytes)"));
}

TEST_F(InspectDiskTest, MissingFileAndDirectoryAreInvalidParameters) {
  Result<DiskInfo> missing = InspectDisk(work_ / "missing.vhdx");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_EQ(missing.error().message(),
            "open " + Quoted(work_ / "missing.vhdx") + ": No such file or directory");
  std::filesystem::create_directory(work_ / "dir.vhdx");
  EXPECT_THAT(InspectDisk(work_ / "dir.vhdx").error().message(),
              HasSubstr("is not a regular file"));
}

// Random single-byte damage in the structures InspectDisk reads must give either a valid result
// or kInvalidParameter: never a crash, an out-of-bounds read (run under ASan) or another code.
TEST_F(InspectDiskTest, RandomDamageNeverCrashes) {
  std::mt19937_64 random(20240611);
  for (const std::string name : {"x.vhd", "y.vhd", "z.vhdx", "w.vhdx"}) {
    const std::filesystem::path path = CopyAs(name, "fuzz_" + name);
    const uint64_t size = std::filesystem::file_size(path);
    // The regions holding metadata: the first 4 MiB (VHDX headers, region tables, BAT,
    // metadata; VHD footer copy, dynamic header, BAT) and the VHD footer at the end.
    const uint64_t head = std::min<uint64_t>(size, 4 << 20);
    for (int i = 0; i < 400; ++i) {
      uint64_t offset;
      switch (random() % 4) {
        case 0:  // the VHD footer
          offset = size - 1 - random() % 512;
          break;
        case 1:  // the VHD footer copy, dynamic header and BAT
          offset = random() % 2048;
          break;
        case 2:  // the VHDX headers and region tables
          offset = (64 << 10) + random() % (256 << 10);
          break;
        default:
          offset = random() % head;
          break;
      }
      const std::vector<uint8_t> original = dt::ReadBytes(path, offset, 1);
      const uint8_t damaged = static_cast<uint8_t>(original[0] ^ (1u << (random() % 8)));
      dt::WriteBytes(path, offset, std::vector<uint8_t>{damaged});
      Result<DiskInfo> info = InspectDisk(path);
      if (!info.ok()) {
        EXPECT_EQ(info.error().code(), ReturnCode::kInvalidParameter)
            << name << " offset " << offset << ": " << info.error().ToString();
      }
      dt::WriteBytes(path, offset, original);
    }
    ASSERT_TRUE(InspectDisk(path).ok()) << name;
  }
}

TEST(HasDiskExtensionTest, KnowsTheFourEndingsInAnyCase) {
  EXPECT_TRUE(HasDiskExtension("/a/b.vhd"));
  EXPECT_TRUE(HasDiskExtension("/a/b.VHDX"));
  EXPECT_TRUE(HasDiskExtension("b.avhd"));
  EXPECT_TRUE(HasDiskExtension("b.AvHdX"));
  EXPECT_FALSE(HasDiskExtension("b.vhd.bak"));
  EXPECT_FALSE(HasDiskExtension("vhdx"));
  EXPECT_FALSE(HasDiskExtension("b.iso"));
}

TEST(DiskFormatNameTest, NamesEachFormat) {
  EXPECT_EQ(DiskFormatName(DiskFormat::kVhdFixed), "VHD fixed");
  EXPECT_EQ(DiskFormatName(DiskFormat::kVhdDynamic), "VHD dynamic");
  EXPECT_EQ(DiskFormatName(DiskFormat::kVhdDifferencing), "VHD differencing");
  EXPECT_EQ(DiskFormatName(DiskFormat::kVhdxFixed), "VHDX fixed");
  EXPECT_EQ(DiskFormatName(DiskFormat::kVhdxDynamic), "VHDX dynamic");
  EXPECT_EQ(DiskFormatName(DiskFormat::kVhdxDifferencing), "VHDX differencing");
}

}  // namespace
}  // namespace vsm::disk
