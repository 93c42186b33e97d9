#include "app/vsm/snapshot_commands.h"

#include <fmt/format.h>

#include <functional>
#include <optional>
#include <vector>

#include "app/vsm/job_commands.h"
#include "app/vsm/output.h"
#include "app/vsm/property_reader.h"
#include "app/vsm/requests.h"
#include "app/vsm/snapshot_resolver.h"
#include "app/vsm/snapshot_view.h"
#include "core/return_code.h"

namespace vsm::cli {
namespace {

enum class SnapshotMethod { kCreate, kApply, kRemove };

std::string DescribeSystem(const SystemView& system) {
  return fmt::format("'{}' ({})", system.name, system.id);
}

std::string DescribeSnapshot(const SnapshotView& snapshot) {
  return fmt::format("'{}' ({})", snapshot.name, snapshot.id);
}

// Hyper-V's methods answer a bare code (vsmd logs the description), so say what the code means
// for this method and what to do about it.
std::string FailureHint(SnapshotMethod method, ReturnCode code, const SystemView& system) {
  switch (code) {
    case ReturnCode::kAccessDenied:
      return "; the snapshot methods need the administrator role: connect as an administrator "
             "(--url with an administrator's credentials, or the local socket as root)";
    case ReturnCode::kInvalidState:
      if (method == SnapshotMethod::kCreate) {
        return fmt::format(
            "; '{}' must be off and have fewer than 50 snapshots: 'vsm snapshot list {}' shows "
            "them, 'vsm snapshot remove' frees one",
            system.name, system.id);
      }
      return fmt::format("; '{}' must be off", system.name);
    case ReturnCode::kInvalidParameter:
      if (method == SnapshotMethod::kCreate) {
        return fmt::format("; '{}' may have been destroyed meanwhile: 'vsm list' shows the systems",
                           system.name);
      }
      return fmt::format(
          "; the snapshot may have been removed meanwhile: 'vsm snapshot list {}' shows the "
          "snapshots",
          system.id);
    case ReturnCode::kNotSupported:
      return "; this vsmd has no snapshot methods: upgrade vsmd";
    default:
      return "";
  }
}

// A method that answered neither 4096 with a Job nor 0: its failure line, exit 1.
int FailMethod(CommandContext& context, const MethodOutcome& outcome, std::string_view what,
               SnapshotMethod method, const SystemView& system) {
  if (outcome.JobStarted()) {
    return context.Fail(fmt::format("{} answered 4096 without a Job reference", what));
  }
  return context.FailOperation(
      MethodFailureText(outcome.return_value, what) +
      FailureHint(method, static_cast<ReturnCode>(outcome.return_value), system));
}

// The snapshots of `system` in tree order.
Result<std::vector<SnapshotView>> SnapshotTree(Session& session, const SystemEntry& system) {
  VSM_ASSIGN_OR_RETURN(std::vector<SnapshotView> snapshots, session.ListSnapshots(system.path));
  return OrderSnapshotsAsTree(std::move(snapshots));
}

// The snapshot with GUID `id` among those of `system`, as placed in the tree; nullopt if vsmd
// does not list it.
Result<std::optional<SnapshotView>> FindInTree(Session& session, const SystemEntry& system,
                                               const std::string& id) {
  VSM_ASSIGN_OR_RETURN(std::vector<SnapshotView> tree, SnapshotTree(session, system));
  for (SnapshotView& snapshot : tree) {
    if (SnapshotGuidFromText(snapshot.id) == SnapshotGuidFromText(id)) {
      return std::optional(snapshot);
    }
  }
  return std::optional<SnapshotView>();
}

// Follows what `method` answered: its job, or a synchronous 0, which counts as done. `report`
// prints the success line (not with --json); with --json a synchronous 0 prints what
// `extend_json` adds to an empty object, or nothing without it (as `vsm destroy` does).
int FollowMethod(CommandContext& context, Session& session, const SystemEntry& system,
                 SnapshotMethod method, const Result<MethodOutcome>& outcome, std::string_view what,
                 const std::function<void()>& report, const JobJsonExtender& extend_json = {}) {
  if (!outcome.ok()) return context.FailClient(outcome.error());
  if (outcome->JobStarted()) {
    std::optional<cim::ObjectPath> job = outcome->Reference("Job");
    if (!job) return FailMethod(context, *outcome, what, method, system.view);
    return FollowJob(
        context, session, *job, /*no_wait=*/false,
        [&](const JobView&, const std::optional<SystemView>&) { report(); }, extend_json);
  }
  if (!outcome->Completed()) return FailMethod(context, *outcome, what, method, system.view);
  if (!context.json()) {
    report();
  } else if (extend_json) {
    JobView done;
    done.state_code = 7;
    Json json = Json::object();
    extend_json(done, json);
    PrintJson(context.out(), json);
  }
  return kExitSuccess;
}

// Resolves the system and the snapshot of an apply or remove; prints why not and returns false.
bool ResolveTarget(CommandContext& context, Session& session, const SnapshotTargetOptions& options,
                   SystemEntry* system, SnapshotView* snapshot, int* exit_code) {
  Result<SystemEntry> entry = session.ResolveSystem(options.system);
  if (!entry.ok()) {
    *exit_code = context.FailClient(entry.error());
    return false;
  }
  Result<std::vector<SnapshotView>> tree = SnapshotTree(session, *entry);
  if (!tree.ok()) {
    *exit_code = context.FailClient(tree.error());
    return false;
  }
  Result<size_t> index = ResolveSnapshot(options.snapshot, entry->view, *tree);
  if (!index.ok()) {
    *exit_code = context.FailClient(index.error());
    return false;
  }
  *system = std::move(*entry);
  *snapshot = (*tree)[*index];
  return true;
}

}  // namespace

int RunSnapshotCreate(CommandContext& context, const SnapshotCreateOptions& options) {
  if (options.name) {
    Result<void> checked = CheckSnapshotName(*options.name);
    if (!checked.ok()) return context.FailUsage(checked.error().message());
  }
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  Result<SystemEntry> system = session->ResolveSystem(options.system);
  if (!system.ok()) return context.FailClient(system.error());

  std::string what = fmt::format("CreateVirtualSystemSnapshot of {}", DescribeSystem(system->view));
  Result<MethodOutcome> outcome = session->CallService(
      "CreateVirtualSystemSnapshot", CreateSnapshotParameters(system->path, options.name));
  std::optional<cim::ObjectPath> snapshot_path =
      outcome.ok() ? outcome->Reference("SnapshotSettingData") : std::nullopt;
  std::string snapshot_id =
      snapshot_path ? SnapshotGuidFromText(KeyString(*snapshot_path, "InstanceID")).value_or("")
                    : "";

  // The snapshot as vsmd lists it once the job is done (its name may be vsmd's default).
  auto created = [&]() -> std::optional<SnapshotView> {
    if (snapshot_id.empty()) return std::nullopt;
    Result<std::optional<SnapshotView>> found = FindInTree(*session, *system, snapshot_id);
    return found.ok() ? *found : std::nullopt;
  };
  auto report = [&]() {
    std::optional<SnapshotView> snapshot = created();
    std::string described = snapshot              ? DescribeSnapshot(*snapshot)
                            : snapshot_id.empty() ? "(vsmd named no SnapshotSettingData)"
                                                  : snapshot_id;
    context.out() << fmt::format("created snapshot {} of {}\n", described,
                                 DescribeSystem(system->view));
  };
  auto extend_json = [&](const JobView& job, Json& json) {
    json["snapshot"] = nullptr;
    if (!job.Succeeded()) return;
    if (std::optional<SnapshotView> snapshot = created()) {
      json["snapshot"] = SnapshotToJson(*snapshot);
    }
  };
  return FollowMethod(context, *session, *system, SnapshotMethod::kCreate, outcome, what, report,
                      extend_json);
}

int RunSnapshotList(CommandContext& context, const std::string& system_argument) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  Result<SystemEntry> system = session->ResolveSystem(system_argument);
  if (!system.ok()) return context.FailClient(system.error());
  Result<std::vector<SnapshotView>> tree = SnapshotTree(*session, *system);
  if (!tree.ok()) return context.FailClient(tree.error());
  if (context.json()) {
    Json array = Json::array();
    for (const SnapshotView& snapshot : *tree) array.push_back(SnapshotToJson(snapshot));
    PrintJson(context.out(), array);
  } else if (tree->empty()) {
    context.out() << fmt::format("{} has no snapshots ('vsm snapshot create {}' takes one)\n",
                                 DescribeSystem(system->view), system->view.id);
  } else {
    context.out() << SnapshotsTable(*tree);
  }
  return kExitSuccess;
}

int RunSnapshotApply(CommandContext& context, const SnapshotTargetOptions& options) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  SystemEntry system;
  SnapshotView snapshot;
  if (!ResolveTarget(context, *session, options, &system, &snapshot, &exit_code)) return exit_code;

  std::string what = fmt::format("ApplyVirtualSystemSnapshot of snapshot {} to {}",
                                 DescribeSnapshot(snapshot), DescribeSystem(system.view));
  Result<MethodOutcome> outcome = session->CallService(
      "ApplyVirtualSystemSnapshot", ApplySnapshotParameters(system.path, snapshot.path));
  return FollowMethod(context, *session, system, SnapshotMethod::kApply, outcome, what, [&]() {
    context.out() << fmt::format(
        "applied snapshot {} to {}: it now has the snapshot's configuration and disks, and "
        "its state before the apply is gone\n",
        DescribeSnapshot(snapshot), DescribeSystem(system.view));
  });
}

int RunSnapshotRemove(CommandContext& context, const SnapshotTargetOptions& options) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  SystemEntry system;
  SnapshotView snapshot;
  if (!ResolveTarget(context, *session, options, &system, &snapshot, &exit_code)) return exit_code;

  std::string what = fmt::format("RemoveVirtualSystemSnapshot of snapshot {} of {}",
                                 DescribeSnapshot(snapshot), DescribeSystem(system.view));
  Result<MethodOutcome> outcome =
      session->CallService("RemoveVirtualSystemSnapshot", RemoveSnapshotParameters(snapshot.path));
  return FollowMethod(context, *session, system, SnapshotMethod::kRemove, outcome, what, [&]() {
    context.out() << fmt::format("removed snapshot {} of {}\n", DescribeSnapshot(snapshot),
                                 DescribeSystem(system.view));
  });
}

}  // namespace vsm::cli
