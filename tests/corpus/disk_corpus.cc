// The one test every damaged-disk case runs: undamaged, the disk opens every way; damaged, the
// entries before the case's first failing one still accept it, and that entry and every one
// after it give the case's error, code and message.
#include "disk_corpus.h"

#include <array>
#include <memory>

#include "core/result.h"
#include "disk/disk_image.h"

namespace vsm::corpus {
namespace {

constexpr std::array<Entry, 3> kEntries = {Entry::kInspectDisk, Entry::kDiskLayerOpen,
                                           Entry::kDiskChainOpen};

const char* EntryName(Entry entry) {
  switch (entry) {
    case Entry::kInspectDisk:
      return "InspectDisk";
    case Entry::kDiskLayerOpen:
      return "DiskLayer::Open";
    case Entry::kDiskChainOpen:
      return "DiskChain::Open";
  }
  return "?";
}

// Opens the target through `entry`: the error, or nullopt and (for the layer entries) the leaf.
std::optional<Error> OpenThrough(Entry entry, const Target& target,
                                 std::unique_ptr<disk::DiskLayer>* layer = nullptr) {
  switch (entry) {
    case Entry::kInspectDisk: {
      Result<disk::DiskInfo> info = disk::InspectDisk(target.path);
      if (!info.ok()) return info.error();
      return std::nullopt;
    }
    case Entry::kDiskLayerOpen: {
      Result<std::unique_ptr<disk::DiskLayer>> opened =
          disk::DiskLayer::Open(target.path, disk::DiskLayer::Access::kReadOnly);
      if (!opened.ok()) return opened.error();
      if (layer != nullptr) *layer = std::move(*opened);
      return std::nullopt;
    }
    case Entry::kDiskChainOpen: {
      Result<disk::DiskChain> chain = disk::DiskChain::Open(target.path, target.options);
      if (!chain.ok()) return chain.error();
      return std::nullopt;
    }
  }
  return Error::Failed("unknown entry");
}

}  // namespace

std::string DiskCaseName(const ::testing::TestParamInfo<DiskCase>& info) { return info.param.name; }

std::function<Target(Workspace&)> MakeQemu(const std::string& name, testing::QemuDiskKind kind,
                                           uint64_t size_mb) {
  return [=](Workspace& workspace) { return Target{workspace.Qemu(name, kind, size_mb), {}}; };
}

TEST_P(DamagedDiskTest, GivesItsExactError) {
  const DiskCase& c = GetParam();
  Workspace workspace;
  Target target = c.make(workspace);
  ASSERT_FALSE(HasFailure()) << "could not make the disk of " << c;
  for (Entry entry : kEntries) {
    std::optional<Error> error = OpenThrough(entry, target);
    ASSERT_FALSE(error) << "undamaged, " << EntryName(entry) << " refuses the disk of " << c << ": "
                        << error->ToString();
  }

  c.damage_it(workspace, target);
  ASSERT_FALSE(HasFailure()) << "could not damage the disk of " << c;
  workspace.Set("path", target.path);

  if (c.opens) {
    for (Entry entry : kEntries) {
      std::unique_ptr<disk::DiskLayer> layer;
      std::optional<Error> error = OpenThrough(entry, target, &layer);
      EXPECT_FALSE(error) << EntryName(entry) << " refuses " << c << ": " << error->ToString();
      if (layer) c.opens(workspace, *layer);
    }
    return;
  }
  const std::string expected = workspace.Fill(c.message);
  for (Entry entry : kEntries) {
    std::optional<Error> error = OpenThrough(entry, target);
    const std::string context =
        std::string(EntryName(entry)) + " on " + c.name + " (" + c.damage + ")";
    if (entry < c.first_to_fail) {
      EXPECT_FALSE(error) << context << " must still accept the disk: " << error->ToString();
    } else if (error) {
      ExpectError(*error, c.code, expected, c.match, context);
    } else {
      ADD_FAILURE() << context << " accepts the damaged disk; expected: " << expected;
    }
  }
}

}  // namespace vsm::corpus
