#include "app/vsm/snapshot_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vsm::cli {
namespace {

using ::testing::ElementsAre;

constexpr const char* kSystem = "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB";
constexpr const char* kRoot = "11111111-2222-4333-8444-555555555555";
constexpr const char* kChild = "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE";

cim::ObjectPath VssdPath(const std::string& guid) {
  return cim::ObjectPath("root/virtualization", "Msvm_VirtualSystemSettingData",
                         {{"InstanceID", cim::Value::String("Microsoft:" + guid)}});
}

TEST(SnapshotGuidFromTextTest, GuidInstanceIdAndPath) {
  EXPECT_EQ(SnapshotGuidFromText(kRoot), kRoot);
  EXPECT_EQ(SnapshotGuidFromText("11111111-2222-4333-8444-555555555555"), kRoot);
  EXPECT_EQ(SnapshotGuidFromText("{aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee}"), kChild);
  EXPECT_EQ(SnapshotGuidFromText(std::string("Microsoft:") + kChild), kChild);
  EXPECT_EQ(SnapshotGuidFromText(std::string("microsoft:") + kChild), kChild);
  EXPECT_EQ(SnapshotGuidFromText(VssdPath(kChild).ToString()), kChild);
  EXPECT_EQ(SnapshotGuidFromText("before upgrade"), std::nullopt);
  EXPECT_EQ(SnapshotGuidFromText("Microsoft:not-a-guid"), std::nullopt);
  EXPECT_EQ(SnapshotGuidFromText(""), std::nullopt);
}

TEST(SnapshotViewFromInstanceTest, ReadsTheSnapshotsVssd) {
  cim::Instance vssd("Msvm_VirtualSystemSettingData");
  vssd.Set("InstanceID", cim::Value::String(std::string("Microsoft:") + kChild));
  vssd.Set("ElementName", cim::Value::String("before upgrade"));
  vssd.Set("SystemName", cim::Value::String(kSystem));
  vssd.Set("SettingType", cim::Value::Uint16(5));
  vssd.Set("CreationTime", cim::Value::String("20260125064555.123456+000"));
  vssd.Set("Parent", cim::Value::String(VssdPath(kRoot).ToString()));
  vssd.set_path(VssdPath(kChild));
  EXPECT_TRUE(IsSnapshotSettingData(vssd));

  SnapshotView view = SnapshotViewFromInstance(vssd);
  EXPECT_EQ(view.id, kChild);
  EXPECT_EQ(view.name, "before upgrade");
  EXPECT_EQ(view.system, kSystem);
  EXPECT_EQ(view.parent, kRoot);
  EXPECT_EQ(view.creation_time, "2026-01-25T06:45:55+00:00");
  EXPECT_EQ(view.creation_datetime, "20260125064555.123456+000");
  EXPECT_EQ(view.path, VssdPath(kChild));
}

TEST(SnapshotViewFromInstanceTest, RootSnapshotAndCurrentSettings) {
  cim::Instance vssd("Msvm_VirtualSystemSettingData");
  vssd.Set("SettingType", cim::Value::Uint16(5));
  vssd.Set("Parent", cim::Value::Null(cim::CimType::kString));
  vssd.set_path(VssdPath(kRoot));
  SnapshotView view = SnapshotViewFromInstance(vssd);
  EXPECT_EQ(view.id, kRoot);  // from the path's key
  EXPECT_EQ(view.parent, "");
  EXPECT_EQ(view.creation_time, "");

  cim::Instance current("Msvm_VirtualSystemSettingData");
  current.Set("SettingType", cim::Value::Uint16(3));
  EXPECT_FALSE(IsSnapshotSettingData(current));
  EXPECT_FALSE(IsSnapshotSettingData(cim::Instance("Msvm_VirtualSystemSettingData")));
}

SnapshotView Snapshot(const std::string& id, const std::string& parent, const std::string& time) {
  SnapshotView view;
  view.id = id;
  view.name = "snap-" + id;
  view.parent = parent;
  view.creation_time = time;
  return view;
}

std::vector<std::string> Ids(const std::vector<SnapshotView>& snapshots) {
  std::vector<std::string> ids;
  for (const SnapshotView& snapshot : snapshots) {
    ids.push_back(snapshot.id + "@" + std::to_string(snapshot.depth));
  }
  return ids;
}

TEST(OrderSnapshotsAsTreeTest, ChildrenFollowTheirParentOldestFirst) {
  //  a (t1)
  //  +- b (t2)
  //  |  +- d (t5)
  //  +- c (t4)
  //  e (t3), a second root after an apply of nothing
  std::vector<SnapshotView> tree = OrderSnapshotsAsTree({
      Snapshot("d", "b", "2026-01-05T00:00:00+00:00"),
      Snapshot("c", "a", "2026-01-04T00:00:00+00:00"),
      Snapshot("e", "", "2026-01-03T00:00:00+00:00"),
      Snapshot("b", "a", "2026-01-02T00:00:00+00:00"),
      Snapshot("a", "", "2026-01-01T00:00:00+00:00"),
  });
  EXPECT_THAT(Ids(tree), ElementsAre("a@0", "b@1", "d@2", "c@1", "e@0"));
}

TEST(OrderSnapshotsAsTreeTest, EqualTimesKeepVsmdsOrder) {
  std::vector<SnapshotView> tree = OrderSnapshotsAsTree({
      Snapshot("x", "", "2026-01-01T00:00:00+00:00"),
      Snapshot("y", "x", "2026-01-01T00:00:00+00:00"),
      Snapshot("z", "x", "2026-01-01T00:00:00+00:00"),
  });
  EXPECT_THAT(Ids(tree), ElementsAre("x@0", "y@1", "z@1"));
}

TEST(OrderSnapshotsAsTreeTest, SiblingsOfOneSecondGoByTheMicroseconds) {
  SnapshotView late = Snapshot("late", "", "2026-01-01T00:00:00+00:00");
  late.creation_datetime = "20260101000000.900000+000";
  SnapshotView early = Snapshot("early", "", "2026-01-01T00:00:00+00:00");
  early.creation_datetime = "20260101000000.100000+000";
  EXPECT_THAT(Ids(OrderSnapshotsAsTree({late, early})), ElementsAre("early@0", "late@0"));
}

TEST(OrderSnapshotsAsTreeTest, UnknownParentsAndLoopsAreStillShown) {
  EXPECT_THAT(Ids(OrderSnapshotsAsTree({Snapshot("orphan", "gone", "t1")})),
              ElementsAre("orphan@0"));
  EXPECT_THAT(Ids(OrderSnapshotsAsTree({Snapshot("p", "q", "t1"), Snapshot("q", "p", "t2")})),
              ElementsAre("p@0", "q@1"));
  EXPECT_THAT(Ids(OrderSnapshotsAsTree({})), ElementsAre());
}

}  // namespace
}  // namespace vsm::cli
