#include "app/vsm/snapshot_view.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "app/vsm/property_reader.h"
#include "core/guid.h"

namespace vsm::cli {
namespace {

constexpr std::string_view kInstanceIdPrefix = "Microsoft:";

}  // namespace

bool IsSnapshotSettingData(const cim::Instance& setting_data) {
  return ReadUnsigned(setting_data.Get("SettingType")) == kSettingTypeSnapshot;
}

std::optional<std::string> SnapshotGuidFromText(std::string_view text) {
  // A path: take its InstanceID key.
  if (text.find('=') != std::string_view::npos) {
    std::optional<cim::ObjectPath> path = cim::ObjectPath::Parse(text);
    if (!path) return std::nullopt;
    std::string instance_id = KeyString(*path, "InstanceID");
    if (instance_id.empty()) return std::nullopt;
    return SnapshotGuidFromText(instance_id);
  }
  if (text.size() >= kInstanceIdPrefix.size() &&
      cim::EqualsIgnoreCase(text.substr(0, kInstanceIdPrefix.size()), kInstanceIdPrefix)) {
    text.remove_prefix(kInstanceIdPrefix.size());
  }
  std::optional<Guid> guid = Guid::Parse(text);
  if (!guid) return std::nullopt;
  return guid->ToString();
}

SnapshotView SnapshotViewFromInstance(const cim::Instance& setting_data) {
  SnapshotView view;
  std::string instance_id = StringProperty(setting_data, "InstanceID");
  if (instance_id.empty()) instance_id = KeyString(setting_data.path(), "InstanceID");
  view.id = SnapshotGuidFromText(instance_id).value_or(instance_id);
  view.name = StringProperty(setting_data, "ElementName");
  view.system = StringProperty(setting_data, "SystemName");
  std::string parent = StringProperty(setting_data, "Parent");
  if (!parent.empty()) view.parent = SnapshotGuidFromText(parent).value_or(parent);
  std::string created = StringProperty(setting_data, "CreationTime");
  if (!created.empty()) view.creation_time = DatetimeToIso8601(created);
  view.creation_datetime = created;
  view.path = setting_data.path();
  return view;
}

std::vector<SnapshotView> OrderSnapshotsAsTree(std::vector<SnapshotView> snapshots) {
  // Times with the same offset sort as text, and vsmd writes every time in UTC. Snapshots taken
  // within one second differ only in the microseconds of the DSP0004 form.
  auto key = [](const SnapshotView& s) -> const std::string& {
    return s.creation_datetime.empty() ? s.creation_time : s.creation_datetime;
  };
  std::stable_sort(snapshots.begin(), snapshots.end(),
                   [&](const SnapshotView& a, const SnapshotView& b) { return key(a) < key(b); });
  std::set<std::string> ids;
  for (const SnapshotView& snapshot : snapshots) ids.insert(snapshot.id);
  std::map<std::string, std::vector<size_t>> children;  // parent id ("" = root) -> indices
  for (size_t i = 0; i < snapshots.size(); ++i) {
    const std::string& parent = snapshots[i].parent;
    bool known = !parent.empty() && parent != snapshots[i].id && ids.contains(parent);
    children[known ? parent : ""].push_back(i);
  }

  std::vector<SnapshotView> ordered;
  std::vector<bool> placed(snapshots.size(), false);
  std::function<void(size_t, size_t)> place = [&](size_t index, size_t depth) {
    if (placed[index]) return;
    placed[index] = true;
    snapshots[index].depth = depth;
    ordered.push_back(snapshots[index]);
    auto found = children.find(snapshots[index].id);
    if (found == children.end()) return;
    for (size_t child : found->second) place(child, depth + 1);
  };
  for (size_t root : children[""]) place(root, 0);
  // A loop of parents (never made by vsmd) has no root: show its members rather than drop them.
  for (size_t i = 0; i < snapshots.size(); ++i) place(i, 0);
  return ordered;
}

}  // namespace vsm::cli
