#include "app/vsm/system_commands.h"

#include <filesystem>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "app/vsm/job_commands.h"
#include "app/vsm/output.h"
#include "app/vsm/property_reader.h"
#include "cimxml/xml_embedded_instance_codec.h"
#include "core/return_code.h"

namespace vsm::cli {
namespace {

// Hyper-V's methods answer a bare code. When vsmd refuses a parameter, the likeliest cause is a
// path that does not exist; vsmd usually runs on this host, so name the ones missing here.
std::string MissingPathsHint(const MethodOutcome& outcome,
                             const std::vector<std::filesystem::path>& paths) {
  if (outcome.return_value != static_cast<uint32_t>(ReturnCode::kInvalidParameter)) return "";
  std::string missing;
  for (const std::filesystem::path& path : paths) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec) || ec) continue;
    missing += fmt::format("{}'{}'", missing.empty() ? "" : ", ", path.string());
  }
  if (missing.empty()) return "";
  return fmt::format("; not found on this host: {}", missing);
}

// A method that answered neither 0 nor 4096 with a Job: its failure line, exit 1.
int FailMethod(CommandContext& context, const MethodOutcome& outcome, std::string_view what,
               const std::vector<std::filesystem::path>& paths = {}) {
  if (outcome.JobStarted()) {
    return context.Fail(fmt::format("{} answered 4096 without a Job reference", what));
  }
  return context.FailOperation(MethodFailureText(outcome.return_value, what) +
                               MissingPathsHint(outcome, paths));
}

// The files a define names, absolute.
std::vector<std::filesystem::path> DefinePaths(const DefineOptions& options,
                                               const std::filesystem::path& cwd) {
  std::vector<std::filesystem::path> paths;
  for (const std::string& disk : options.disks) paths.push_back(MakeAbsolute(disk, cwd));
  if (options.dvd) paths.push_back(MakeAbsolute(*options.dvd, cwd));
  return paths;
}

// Prints a system: its details, or with --json its object.
int PrintSystem(CommandContext& context, Session& session, const cim::ObjectPath& path,
                SystemView view) {
  Result<void> loaded = session.LoadSettings(path, view);
  if (!loaded.ok()) return context.FailClient(loaded.error());
  if (context.json()) {
    PrintJson(context.out(), SystemToJson(view));
  } else {
    context.out() << SystemDetails(view);
  }
  return kExitSuccess;
}

}  // namespace

int RunDefine(CommandContext& context, const DefineOptions& options) {
  Result<DefineRequest> request = BuildDefineRequest(options, context.cwd());
  if (!request.ok()) return context.FailUsage(request.error().message());
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;

  cimxml::XmlEmbeddedInstanceCodec codec;
  std::string what = fmt::format("DefineVirtualSystem '{}'", options.name);
  Result<MethodOutcome> outcome =
      session->CallService("DefineVirtualSystem", DefineParameters(*request, codec));
  if (!outcome.ok()) return context.FailClient(outcome.error());

  std::optional<cim::ObjectPath> defined = outcome->Reference("DefinedSystem");
  if (outcome->JobStarted()) {
    std::optional<cim::ObjectPath> job = outcome->Reference("Job");
    if (!job) return FailMethod(context, *outcome, what);
    return FollowJob(context, *session, *job, /*no_wait=*/false,
                     [&](const JobView& done, const std::optional<SystemView>& affected) {
                       context.out() << (affected ? affected->id : done.affected_system) << '\n';
                     });
  }
  if (!outcome->Completed()) {
    return FailMethod(context, *outcome, what, DefinePaths(options, context.cwd()));
  }
  if (!defined) return context.Fail(fmt::format("{} answered 0 without DefinedSystem", what));

  if (context.json()) {
    Result<SystemView> system = session->GetSystem(*defined);
    if (!system.ok()) return context.FailClient(system.error());
    return PrintSystem(context, *session, *defined, *system);
  }
  context.out() << KeyString(*defined, "Name") << '\n';
  return kExitSuccess;
}

int RunList(CommandContext& context) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  Result<std::vector<SystemEntry>> systems = session->ListSystems();
  if (!systems.ok()) return context.FailClient(systems.error());
  std::vector<SystemView> views;
  for (SystemEntry& system : *systems) {
    Result<void> loaded = session->LoadSettings(system.path, system.view);
    if (!loaded.ok()) return context.FailClient(loaded.error());
    views.push_back(system.view);
  }
  if (context.json()) {
    Json array = Json::array();
    for (const SystemView& view : views) array.push_back(SystemToJson(view));
    PrintJson(context.out(), array);
  } else if (views.empty()) {
    context.out() << "no virtual systems ('vsm define' or 'vsm import' adds one)\n";
  } else {
    context.out() << SystemsTable(views);
  }
  return kExitSuccess;
}

int RunShow(CommandContext& context, const std::string& system) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  Result<SystemEntry> entry = session->ResolveSystem(system);
  if (!entry.ok()) return context.FailClient(entry.error());
  return PrintSystem(context, *session, entry->path, entry->view);
}

int RunDestroy(CommandContext& context, const std::string& system) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  Result<SystemEntry> entry = session->ResolveSystem(system);
  if (!entry.ok()) return context.FailClient(entry.error());

  std::string what = fmt::format("DestroyVirtualSystem '{}' {}", entry->view.name, entry->view.id);
  Result<MethodOutcome> outcome =
      session->CallService("DestroyVirtualSystem", DestroyParameters(entry->path));
  if (!outcome.ok()) return context.FailClient(outcome.error());
  auto report = [&]() {
    if (!context.json()) {
      context.out() << fmt::format("destroyed '{}' ({}); its files were left in place\n",
                                   entry->view.name, entry->view.id);
    }
  };
  if (outcome->JobStarted()) {
    std::optional<cim::ObjectPath> job = outcome->Reference("Job");
    if (!job) return FailMethod(context, *outcome, what);
    return FollowJob(context, *session, *job, /*no_wait=*/false,
                     [&](const JobView&, const std::optional<SystemView>&) { report(); });
  }
  if (!outcome->Completed()) return FailMethod(context, *outcome, what);
  report();
  return kExitSuccess;
}

int RunExport(CommandContext& context, const ExportOptions& options) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;
  Result<SystemEntry> entry = session->ResolveSystem(options.system);
  if (!entry.ok()) return context.FailClient(entry.error());

  std::filesystem::path directory = MakeAbsolute(options.directory, context.cwd());
  std::filesystem::path package = directory / entry->view.name;
  std::string what = fmt::format("ExportVirtualSystem of '{}' to '{}'", entry->view.name,
                                 directory.string());
  Result<MethodOutcome> outcome = session->CallService(
      "ExportVirtualSystem", ExportParameters(entry->path, directory, options.config_only));
  if (!outcome.ok()) return context.FailClient(outcome.error());
  auto report = [&]() {
    context.out() << fmt::format("exported '{}' ({}) to '{}'{}\n", entry->view.name,
                                 entry->view.id, package.string(),
                                 options.config_only ? " (configuration only)" : "");
  };
  if (outcome->JobStarted()) {
    std::optional<cim::ObjectPath> job = outcome->Reference("Job");
    if (!job) return FailMethod(context, *outcome, what);
    return FollowJob(context, *session, *job, options.no_wait,
                     [&](const JobView&, const std::optional<SystemView>&) { report(); });
  }
  if (!outcome->Completed()) {
    std::error_code ec;
    if (outcome->return_value == static_cast<uint32_t>(ReturnCode::kInvalidParameter) &&
        std::filesystem::exists(package, ec)) {
      return context.FailOperation(
          MethodFailureText(outcome->return_value, what) +
          fmt::format("; '{}' already exists and an export never overwrites it", package.string()));
    }
    return FailMethod(context, *outcome, what, {directory});
  }
  if (!context.json()) report();
  return kExitSuccess;
}

int RunImport(CommandContext& context, const ImportOptions& options) {
  int exit_code = 0;
  Session* session = ConnectOrReport(context, &exit_code);
  if (session == nullptr) return exit_code;

  std::filesystem::path directory = MakeAbsolute(options.directory, context.cwd());
  std::string what = fmt::format("ImportVirtualSystem of '{}'", directory.string());
  Result<MethodOutcome> outcome =
      session->CallService("ImportVirtualSystem", ImportParameters(directory, options.new_id));
  if (!outcome.ok()) return context.FailClient(outcome.error());
  if (outcome->JobStarted()) {
    std::optional<cim::ObjectPath> job = outcome->Reference("Job");
    if (!job) return FailMethod(context, *outcome, what);
    return FollowJob(context, *session, *job, options.no_wait,
                     [&](const JobView& done, const std::optional<SystemView>& affected) {
                       if (affected) {
                         context.out() << fmt::format("imported '{}' as {}\n", affected->name,
                                                      affected->id);
                       } else {
                         context.out() << fmt::format("imported '{}' (job {})\n",
                                                      directory.string(), done.id);
                       }
                     });
  }
  if (!outcome->Completed()) return FailMethod(context, *outcome, what, {directory});
  if (!context.json()) context.out() << fmt::format("imported '{}'\n", directory.string());
  return kExitSuccess;
}

}  // namespace vsm::cli
