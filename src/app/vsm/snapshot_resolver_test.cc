#include "app/vsm/snapshot_resolver.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vsm::cli {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kFirst = "11111111-2222-4333-8444-555555555555";
constexpr const char* kSecond = "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE";
constexpr const char* kThird = "00000000-AAAA-4BBB-8CCC-DDDDEEEEFFFF";

SystemView Web01() {
  SystemView system;
  system.id = "4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB";
  system.name = "web01";
  return system;
}

SnapshotView Snapshot(const std::string& id, const std::string& name) {
  SnapshotView snapshot;
  snapshot.id = id;
  snapshot.name = name;
  snapshot.creation_time = "2026-01-25T06:45:55+00:00";
  return snapshot;
}

std::vector<SnapshotView> Snapshots() {
  return {Snapshot(kFirst, "before upgrade"), Snapshot(kSecond, "nightly"),
          Snapshot(kThird, "nightly")};
}

TEST(ResolveSnapshotTest, ByGuidInAnyForm) {
  EXPECT_EQ(*ResolveSnapshot(kSecond, Web01(), Snapshots()), 1u);
  EXPECT_EQ(*ResolveSnapshot("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", Web01(), Snapshots()), 1u);
  EXPECT_EQ(*ResolveSnapshot("{00000000-AAAA-4BBB-8CCC-DDDDEEEEFFFF}", Web01(), Snapshots()), 2u);
  EXPECT_EQ(*ResolveSnapshot(std::string("Microsoft:") + kFirst, Web01(), Snapshots()), 0u);
}

TEST(ResolveSnapshotTest, ByUniqueNameExactCaseFirst) {
  EXPECT_EQ(*ResolveSnapshot("before upgrade", Web01(), Snapshots()), 0u);
  EXPECT_EQ(*ResolveSnapshot("BEFORE UPGRADE", Web01(), Snapshots()), 0u);
  std::vector<SnapshotView> cased = {Snapshot(kFirst, "Nightly"), Snapshot(kSecond, "nightly")};
  EXPECT_EQ(*ResolveSnapshot("Nightly", Web01(), cased), 0u);
  EXPECT_EQ(*ResolveSnapshot("nightly", Web01(), cased), 1u);
  EXPECT_FALSE(ResolveSnapshot("NIGHTLY", Web01(), cased).ok());
}

TEST(ResolveSnapshotTest, AGuidThatIsAlsoANameGoesByTheGuid) {
  std::vector<SnapshotView> snapshots = {Snapshot(kFirst, kSecond), Snapshot(kSecond, "real")};
  EXPECT_EQ(*ResolveSnapshot(kSecond, Web01(), snapshots), 1u);
}

TEST(ResolveSnapshotTest, AmbiguousNameListsTheCandidatesAndTheFix) {
  Result<size_t> resolved = ResolveSnapshot("nightly", Web01(), Snapshots());
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(resolved.error().message(),
              AllOf(HasSubstr("'nightly' is ambiguous"), HasSubstr("2 snapshots of 'web01'"),
                    HasSubstr(kSecond), HasSubstr(kThird), HasSubstr("2026-01-25T06:45:55"),
                    HasSubstr("pass the GUID")));
  EXPECT_THAT(resolved.error().message(), Not(HasSubstr(kFirst)));
}

TEST(ResolveSnapshotTest, UnknownNameListsEverySnapshotOfTheSystem) {
  Result<size_t> resolved = ResolveSnapshot("weekly", Web01(), Snapshots());
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.error().code(), ReturnCode::kInvalidParameter);
  EXPECT_THAT(resolved.error().message(),
              AllOf(HasSubstr("'web01'"), HasSubstr("'weekly'"), HasSubstr("'before upgrade'"),
                    HasSubstr(kFirst), HasSubstr(kSecond), HasSubstr(kThird)));
  Result<size_t> unknown_guid =
      ResolveSnapshot("99999999-2222-4333-8444-555555555555", Web01(), Snapshots());
  ASSERT_FALSE(unknown_guid.ok());
  EXPECT_THAT(unknown_guid.error().message(), HasSubstr("99999999-2222-4333-8444-555555555555"));
}

TEST(ResolveSnapshotTest, NoSnapshotsSaysHowToTakeOne) {
  Result<size_t> resolved = ResolveSnapshot("nightly", Web01(), {});
  ASSERT_FALSE(resolved.ok());
  EXPECT_THAT(resolved.error().message(),
              AllOf(HasSubstr("'web01'"), HasSubstr("has no snapshots"),
                    HasSubstr("vsm snapshot create 4F1C2D3E-0A1B-4C5D-8E9F-0123456789AB")));
}

}  // namespace
}  // namespace vsm::cli
