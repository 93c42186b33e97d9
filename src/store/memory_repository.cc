// The in-memory Repository: maps under one mutex, with the SQLite implementation's semantics.
#include <algorithm>
#include <map>
#include <mutex>

#include "core/thread_annotations.h"
#include "store/repository.h"
#include "store/repository_errors.h"

namespace vsm::store {
namespace {

class MemoryRepository final : public Repository {
 public:
  Result<void> AddSystem(const SystemDefinition& system) override {
    std::lock_guard lock(mutex_);
    auto found = systems_.find(system.id);
    if (found != systems_.end()) return SystemExistsError(found->second);
    systems_.emplace(system.id, system);
    return Ok();
  }
  Result<void> UpdateSystem(const SystemDefinition& system) override {
    std::lock_guard lock(mutex_);
    auto found = systems_.find(system.id);
    if (found == systems_.end()) return NoSuchSystemError(system.id);
    found->second = system;
    return Ok();
  }
  Result<void> RemoveSystem(const Guid& id) override {
    std::lock_guard lock(mutex_);
    if (systems_.erase(id) == 0) return NoSuchSystemError(id);
    return Ok();
  }
  Result<std::optional<SystemDefinition>> FindSystem(const Guid& id) override {
    std::lock_guard lock(mutex_);
    auto found = systems_.find(id);
    if (found == systems_.end()) return std::optional<SystemDefinition>();
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
    return Select([&](const SystemDefinition& s) {
      return std::any_of(s.drives.begin(), s.drives.end(),
                         [&](const Drive& d) { return d.path == path; });
    });
  }
  Result<std::vector<SystemDefinition>> ListSystems() override {
    return Select([](const SystemDefinition&) { return true; });
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
    for (const auto& [id, system] : systems_) {
      if (keep(system)) selected.push_back(system);
    }
    std::sort(selected.begin(), selected.end(), [](const SystemDefinition& a, const SystemDefinition& b) {
      return std::tie(a.name, a.id) < std::tie(b.name, b.id);
    });
    return selected;
  }

  std::mutex mutex_;
  std::map<Guid, SystemDefinition> systems_ GUARDED_BY(mutex_);
  std::map<std::string, JobRecord> jobs_ GUARDED_BY(mutex_);
  std::map<std::string, UserRecord> users_ GUARDED_BY(mutex_);
};

}  // namespace

std::unique_ptr<Repository> NewInMemoryRepository() { return std::make_unique<MemoryRepository>(); }

}  // namespace vsm::store
