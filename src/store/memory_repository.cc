// The in-memory Repository: maps under one mutex, with the SQLite implementation's semantics.
#include <algorithm>
#include <map>
#include <mutex>

#include "core/thread_annotations.h"
#include "store/repository.h"
#include "store/repository_errors.h"

namespace vsm::store {
namespace {

// The systems, snapshots and created disks: copied whole by CommitSnapshotChange so that a
// failing part leaves nothing written.
struct Catalogue {
  std::map<Guid, SystemDefinition> systems;
  std::map<Guid, SnapshotRecord> snapshots;
  std::map<std::string, CreatedDisk> created_disks;

  Result<void> AddSnapshot(const SnapshotRecord& snapshot) {
    if (!systems.contains(snapshot.system)) return NoSuchSystemError(snapshot.system);
    auto found = snapshots.find(snapshot.id);
    if (found != snapshots.end()) return SnapshotExistsError(found->second);
    if (!snapshot.parent.IsNull()) {
      auto parent = snapshots.find(snapshot.parent);
      if (parent == snapshots.end() || parent->second.system != snapshot.system) {
        return ForeignParentSnapshotError(snapshot);
      }
    }
    snapshots.emplace(snapshot.id, snapshot);
    return Ok();
  }

  Result<void> RemoveSnapshot(const Guid& id) {
    auto found = snapshots.find(id);
    if (found == snapshots.end()) return NoSuchSnapshotError(id);
    SnapshotRecord removed = found->second;
    snapshots.erase(found);
    for (auto& [child_id, child] : snapshots) {
      if (child.parent == id) child.parent = removed.parent;
    }
    auto system = systems.find(removed.system);
    if (system != systems.end() && system->second.parent_snapshot == id) {
      system->second.parent_snapshot = removed.parent;
    }
    return Ok();
  }

  Result<void> UpdateSystem(const SystemDefinition& system) {
    auto found = systems.find(system.id);
    if (found == systems.end()) return NoSuchSystemError(system.id);
    found->second = system;
    return Ok();
  }

  Result<void> AddCreatedDisk(const CreatedDisk& disk) {
    if (!systems.contains(disk.system)) return NoSuchSystemError(disk.system);
    if (created_disks.contains(disk.path)) return CreatedDiskExistsError(disk.path);
    created_disks.emplace(disk.path, disk);
    return Ok();
  }

  void RemoveSystem(const Guid& id) {
    systems.erase(id);
    std::erase_if(snapshots, [&](const auto& entry) { return entry.second.system == id; });
    std::erase_if(created_disks, [&](const auto& entry) { return entry.second.system == id; });
  }
};

class MemoryRepository final : public Repository {
 public:
  Result<void> AddSystem(const SystemDefinition& system) override {
    std::lock_guard lock(mutex_);
    auto found = catalogue_.systems.find(system.id);
    if (found != catalogue_.systems.end()) return SystemExistsError(found->second);
    catalogue_.systems.emplace(system.id, system);
    return Ok();
  }
  Result<void> UpdateSystem(const SystemDefinition& system) override {
    std::lock_guard lock(mutex_);
    return catalogue_.UpdateSystem(system);
  }
  Result<void> RemoveSystem(const Guid& id) override {
    std::lock_guard lock(mutex_);
    if (!catalogue_.systems.contains(id)) return NoSuchSystemError(id);
    catalogue_.RemoveSystem(id);
    return Ok();
  }
  Result<std::optional<SystemDefinition>> FindSystem(const Guid& id) override {
    std::lock_guard lock(mutex_);
    auto found = catalogue_.systems.find(id);
    if (found == catalogue_.systems.end()) return std::optional<SystemDefinition>();
    return std::optional<SystemDefinition>(found->second);
  }
  Result<std::vector<SystemDefinition>> FindSystemsByName(std::string_view name) override {
    return Select([&](const SystemDefinition& s) { return s.name == name; });
  }
  Result<std::optional<SystemDefinition>> FindSystemByPackageDirectory(
      std::string_view directory) override {
    auto found = Select([&](const SystemDefinition& s) {
      return !directory.empty() && s.package_directory == directory;
    });
    if (found->empty()) return std::optional<SystemDefinition>();
    return std::optional<SystemDefinition>(found->front());
  }
  Result<std::vector<SystemDefinition>> FindSystemsUsingFile(std::string_view path) override {
    auto uses = [&](const SystemDefinition& s) {
      return std::any_of(s.drives.begin(), s.drives.end(),
                         [&](const Drive& d) { return d.path == path; });
    };
    return Select([&](const SystemDefinition& s) {
      if (uses(s)) return true;
      return std::any_of(catalogue_.snapshots.begin(), catalogue_.snapshots.end(),
                         [&](const auto& entry) {
                           return entry.second.system == s.id && uses(entry.second.configuration);
                         });
    });
  }
  Result<std::vector<SystemDefinition>> ListSystems() override {
    return Select([](const SystemDefinition&) { return true; });
  }

  Result<void> AddSnapshot(const SnapshotRecord& snapshot) override {
    std::lock_guard lock(mutex_);
    return catalogue_.AddSnapshot(snapshot);
  }
  Result<void> RemoveSnapshot(const Guid& id) override {
    std::lock_guard lock(mutex_);
    return catalogue_.RemoveSnapshot(id);
  }
  Result<std::optional<SnapshotRecord>> FindSnapshot(const Guid& id) override {
    std::lock_guard lock(mutex_);
    auto found = catalogue_.snapshots.find(id);
    if (found == catalogue_.snapshots.end()) return std::optional<SnapshotRecord>();
    return std::optional<SnapshotRecord>(found->second);
  }
  Result<std::vector<SnapshotRecord>> ListSnapshots(const Guid& system) override {
    std::lock_guard lock(mutex_);
    std::vector<SnapshotRecord> selected;
    for (const auto& [id, snapshot] : catalogue_.snapshots) {
      if (snapshot.system == system) selected.push_back(snapshot);
    }
    std::sort(selected.begin(), selected.end(), [](const SnapshotRecord& a, const SnapshotRecord& b) {
      return std::tie(a.creation_time, a.id) < std::tie(b.creation_time, b.id);
    });
    return selected;
  }
  Result<void> AddCreatedDisk(const CreatedDisk& disk) override {
    std::lock_guard lock(mutex_);
    return catalogue_.AddCreatedDisk(disk);
  }
  Result<std::vector<CreatedDisk>> ListCreatedDisks(const Guid& system) override {
    std::lock_guard lock(mutex_);
    std::vector<CreatedDisk> selected;
    for (const auto& [path, disk] : catalogue_.created_disks) {
      if (disk.system == system) selected.push_back(disk);
    }
    return selected;
  }
  Result<void> CommitSnapshotChange(const SnapshotChange& change) override {
    std::lock_guard lock(mutex_);
    Catalogue next = catalogue_;
    for (const std::string& path : change.remove_disks) {
      if (next.created_disks.erase(path) == 0) return NoSuchCreatedDiskError(path);
    }
    if (change.remove_snapshot) VSM_RETURN_IF_ERROR(next.RemoveSnapshot(*change.remove_snapshot));
    if (change.add_snapshot) VSM_RETURN_IF_ERROR(next.AddSnapshot(*change.add_snapshot));
    if (change.system) VSM_RETURN_IF_ERROR(next.UpdateSystem(*change.system));
    for (const CreatedDisk& disk : change.add_disks) VSM_RETURN_IF_ERROR(next.AddCreatedDisk(disk));
    catalogue_ = std::move(next);
    return Ok();
  }

  Result<void> AddSystemWithSnapshots(const SystemDefinition& system,
                                      const std::vector<SnapshotRecord>& snapshots,
                                      const std::vector<CreatedDisk>& disks) override {
    std::lock_guard lock(mutex_);
    auto found = catalogue_.systems.find(system.id);
    if (found != catalogue_.systems.end()) return SystemExistsError(found->second);
    Catalogue next = catalogue_;
    next.systems.emplace(system.id, system);
    for (const SnapshotRecord& snapshot : snapshots) VSM_RETURN_IF_ERROR(next.AddSnapshot(snapshot));
    for (const CreatedDisk& disk : disks) VSM_RETURN_IF_ERROR(next.AddCreatedDisk(disk));
    catalogue_ = std::move(next);
    return Ok();
  }

  Result<void> SaveJob(const JobRecord& job) override {
    std::lock_guard lock(mutex_);
    jobs_[job.id] = job;
    return Ok();
  }
  Result<std::optional<JobRecord>> FindJob(std::string_view id) override {
    std::lock_guard lock(mutex_);
    auto found = jobs_.find(std::string(id));
    if (found == jobs_.end()) return std::optional<JobRecord>();
    return std::optional<JobRecord>(found->second);
  }
  Result<std::vector<JobRecord>> ListJobs() override {
    std::lock_guard lock(mutex_);
    std::vector<JobRecord> jobs;
    for (const auto& [id, job] : jobs_) jobs.push_back(job);
    std::sort(jobs.begin(), jobs.end(), [](const JobRecord& a, const JobRecord& b) {
      return std::tie(a.time_submitted, a.id) < std::tie(b.time_submitted, b.id);
    });
    return jobs;
  }
  Result<void> RemoveJob(std::string_view id) override {
    std::lock_guard lock(mutex_);
    if (jobs_.erase(std::string(id)) == 0) return NoSuchJobError(id);
    return Ok();
  }

  Result<void> SaveUser(const UserRecord& user) override {
    std::lock_guard lock(mutex_);
    users_[user.name] = user;
    return Ok();
  }
  Result<std::optional<UserRecord>> FindUser(std::string_view name) override {
    std::lock_guard lock(mutex_);
    auto found = users_.find(std::string(name));
    if (found == users_.end()) return std::optional<UserRecord>();
    return std::optional<UserRecord>(found->second);
  }
  Result<std::vector<UserRecord>> ListUsers() override {
    std::lock_guard lock(mutex_);
    std::vector<UserRecord> users;
    for (const auto& [name, user] : users_) users.push_back(user);
    return users;
  }
  Result<void> RemoveUser(std::string_view name) override {
    std::lock_guard lock(mutex_);
    if (users_.erase(std::string(name)) == 0) return NoSuchUserError(name);
    return Ok();
  }

 private:
  template <typename Predicate>
  Result<std::vector<SystemDefinition>> Select(Predicate keep) {
    std::lock_guard lock(mutex_);
    std::vector<SystemDefinition> selected;
    for (const auto& [id, system] : catalogue_.systems) {
      if (keep(system)) selected.push_back(system);
    }
    std::sort(selected.begin(), selected.end(), [](const SystemDefinition& a, const SystemDefinition& b) {
      return std::tie(a.name, a.id) < std::tie(b.name, b.id);
    });
    return selected;
  }

  std::mutex mutex_;
  Catalogue catalogue_ GUARDED_BY(mutex_);
  std::map<std::string, JobRecord> jobs_ GUARDED_BY(mutex_);
  std::map<std::string, UserRecord> users_ GUARDED_BY(mutex_);
};

}  // namespace

std::unique_ptr<Repository> NewInMemoryRepository() { return std::make_unique<MemoryRepository>(); }

}  // namespace vsm::store
