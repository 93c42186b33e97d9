#include "app/vsm/command_line.h"

#include <CLI/CLI.hpp>

#include "app/vsm/job_commands.h"

namespace vsm::cli {
namespace {

constexpr const char* kDescription =
    "vsm: define, export, import and snapshot virtual systems managed by vsmd "
    "(Msvm_VirtualSystemManagementService over CIM-XML).\n"
    "\n"
    "vsm talks to vsmd on its unix socket: --socket PATH, else $VSM_SOCKET, else "
    "./var/vsmd.sock (vsmd's default data root is ./var). Over HTTP, pass --url "
    "http://USER:PASSWORD@HOST:PORT or set $VSM_URL.\n"
    "A VM is named by its GUID or by its name when that is unique; so is a snapshot, among its "
    "VM's snapshots. Relative paths are taken "
    "from the current directory. --json prints data as JSON for scripts.\n"
    "Exit codes: 0 success, 1 the operation failed, 2 usage error, 3 vsmd unreachable or "
    "credentials refused.\n";

constexpr const char* kUserAddDescription =
    "Add (or replace) a vsmd user. This is a local administration command: it writes vsmd's "
    "catalogue <data-root>/vsm.db directly (SQLite WAL lets it do so while vsmd runs), so run it "
    "on the vsmd host as a user who may write the data root. It does not use --socket or "
    "--url. The password is read from standard input, e.g.\n"
    "  printf %s \"$PASSWORD\" | vsm user add alice --role reader --password-stdin\n";

// Collects one value per occurrence, so that "--disk a --disk b" gives two disks and a
// following positional is never swallowed.
template <typename T>
CLI::Option* AddRepeated(CLI::App* app, const std::string& name, std::vector<T>& values,
                         const std::string& help) {
  return app->add_option(name, values, help)->expected(1)->multi_option_policy(
      CLI::MultiOptionPolicy::TakeAll);
}

}  // namespace

ParseOutcome ParseCommandLine(const std::vector<std::string>& args, std::ostream& out,
                              std::ostream& err) {
  Invocation invocation;
  std::string snapshot_create_name;  // --name, copied into the optional only when given
  CLI::App app(kDescription, "vsm");
  app.require_subcommand(1);
  app.fallthrough();

  CLI::Option* socket = app.add_option("--socket", invocation.global.socket,
                                       "vsmd's unix socket (default $VSM_SOCKET, else "
                                       "./var/vsmd.sock)");
  CLI::Option* url = app.add_option("--url", invocation.global.url,
                                    "vsmd over HTTP: http://USER:PASSWORD@HOST:PORT (default "
                                    "$VSM_URL)");
  socket->excludes(url);
  app.add_flag("--json", invocation.global.json, "print data as JSON");

  // Systems.
  CLI::App* define = app.add_subcommand("define", "Define a virtual system over existing disks; "
                                                  "prints its GUID");
  define->add_option("--name", invocation.define.name, "its name (1-100 characters)")->required();
  define->add_option("--memory", invocation.define.memory_mb, "memory in MB");
  define->add_option("--cpus", invocation.define.cpus, "number of virtual processors");
  AddRepeated(define, "--disk", invocation.define.disks, "a VHD or VHDX file (repeatable)");
  define->add_option("--dvd", invocation.define.dvd, "an ISO image for the DVD drive");
  AddRepeated(define, "--nic", invocation.define.nics,
              "a network adapter on SWITCH, with a static MAC if given (repeatable)")
      ->type_name("SWITCH[=MAC]");
  define->add_option("--notes", invocation.define.notes, "free text");
  define->callback([&] { invocation.command = Command::kDefine; });

  CLI::App* list = app.add_subcommand("list", "List the virtual systems");
  list->callback([&] { invocation.command = Command::kList; });

  CLI::App* show = app.add_subcommand("show", "Show a virtual system's settings, drives and "
                                              "network adapters");
  show->add_option("VM", invocation.target, "GUID or unique name")->required();
  show->callback([&] { invocation.command = Command::kShow; });

  CLI::App* destroy = app.add_subcommand("destroy", "Forget a virtual system (its files stay)");
  destroy->add_option("VM", invocation.target, "GUID or unique name")->required();
  destroy->callback([&] { invocation.command = Command::kDestroy; });

  CLI::App* export_command = app.add_subcommand(
      "export", "Export a virtual system to DIR/<name>/ and wait for the job");
  export_command->add_option("VM", invocation.export_options.system, "GUID or unique name")
      ->required();
  export_command->add_option("DIR", invocation.export_options.directory,
                             "an existing directory; the package is written to DIR/<name>/")
      ->required();
  export_command->add_flag("--config-only", invocation.export_options.config_only,
                           "export the configuration without the disks (CopyVmState FALSE)");
  export_command->add_flag("--no-wait", invocation.export_options.no_wait,
                           "print the job id (--json: the job) and return at once");
  export_command->callback([&] { invocation.command = Command::kExport; });

  CLI::App* import_command = app.add_subcommand(
      "import", "Import an exported package in place and wait for the job");
  import_command->add_option("DIR", invocation.import_options.directory,
                             "the package directory (EXPORT_DIR/<name>, holding config.xml)")
      ->required();
  import_command->add_flag("--new-id", invocation.import_options.new_id,
                           "give the imported system a new GUID (GenerateNewID TRUE)");
  import_command->add_flag("--no-wait", invocation.import_options.no_wait,
                           "print the job id (--json: the job) and return at once");
  import_command->callback([&] { invocation.command = Command::kImport; });

  // Jobs.
  CLI::App* job = app.add_subcommand("job", "List, show, watch and cancel jobs");
  job->require_subcommand(1);
  CLI::App* job_list = job->add_subcommand("list", "List the jobs vsmd keeps");
  job_list->callback([&] { invocation.command = Command::kJobList; });
  CLI::App* job_show = job->add_subcommand("show", "Show a job");
  job_show->add_option("ID", invocation.target, "the job's InstanceID")->required();
  job_show->callback([&] { invocation.command = Command::kJobShow; });
  CLI::App* job_watch = job->add_subcommand("watch", "Follow a job until it ends");
  job_watch->add_option("ID", invocation.target, "the job's InstanceID")->required();
  job_watch->callback([&] { invocation.command = Command::kJobWatch; });
  CLI::App* job_cancel = job->add_subcommand("cancel", "Cancel a running job (it rolls back)");
  job_cancel->add_option("ID", invocation.target, "the job's InstanceID")->required();
  job_cancel->callback([&] { invocation.command = Command::kJobCancel; });

  // Snapshots.
  CLI::App* snapshot = app.add_subcommand(
      "snapshot", "Create, list, apply and remove the snapshots (checkpoints) of a virtual system");
  snapshot->require_subcommand(1);
  CLI::App* snapshot_create = snapshot->add_subcommand(
      "create", "Take a snapshot of a virtual system and wait for the job");
  snapshot_create->add_option("VM", invocation.snapshot_create.system, "GUID or unique name")
      ->required();
  CLI::Option* snapshot_name = snapshot_create->add_option(
      "--name", snapshot_create_name,
      "the snapshot's name (default: vsmd's \"<VM name> - (<local time>)\", as Hyper-V)");
  snapshot_create->callback([&invocation, &snapshot_create_name, snapshot_name] {
    invocation.command = Command::kSnapshotCreate;
    if (snapshot_name->count() > 0) invocation.snapshot_create.name = snapshot_create_name;
  });
  CLI::App* snapshot_list = snapshot->add_subcommand(
      "list", "List a virtual system's snapshots as a tree (each under its parent)");
  snapshot_list->add_option("VM", invocation.target, "GUID or unique name")->required();
  snapshot_list->callback([&] { invocation.command = Command::kSnapshotList; });
  CLI::App* snapshot_apply = snapshot->add_subcommand(
      "apply", "Make a snapshot the virtual system's current state (the current state is lost)");
  snapshot_apply->add_option("VM", invocation.snapshot_target.system, "GUID or unique name")
      ->required();
  snapshot_apply->add_option("SNAPSHOT", invocation.snapshot_target.snapshot,
                             "the snapshot's GUID, or its name if unique among the VM's")
      ->required();
  snapshot_apply->callback([&] { invocation.command = Command::kSnapshotApply; });
  CLI::App* snapshot_remove = snapshot->add_subcommand(
      "remove", "Remove a snapshot; its disks are merged where nothing else needs them");
  snapshot_remove->add_option("VM", invocation.snapshot_target.system, "GUID or unique name")
      ->required();
  snapshot_remove->add_option("SNAPSHOT", invocation.snapshot_target.snapshot,
                              "the snapshot's GUID, or its name if unique among the VM's")
      ->required();
  snapshot_remove->callback([&] { invocation.command = Command::kSnapshotRemove; });

  // Users.
  CLI::App* user = app.add_subcommand("user", "Manage vsmd's users (local: writes the "
                                              "catalogue in the data root)");
  user->require_subcommand(1);
  CLI::App* user_add = user->add_subcommand("add", kUserAddDescription);
  user_add->add_option("NAME", invocation.user_add.name, "the user name")->required();
  user_add->add_option("--role", invocation.user_add.role, "administrator or reader")
      ->required()
      ->check(CLI::IsMember({"administrator", "reader"}));
  user_add->add_flag("--password-stdin", invocation.user_add.password_stdin,
                     "read the password from standard input");
  user_add->add_option("--data-root", invocation.user_add.data_root,
                       "vsmd's data root (default ./var)");
  user_add->callback([&] { invocation.command = Command::kUserAdd; });

  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error, out, err);
    return ParseOutcome{std::nullopt, code == 0 ? kExitSuccess : kExitUsage};
  }
  return ParseOutcome{std::move(invocation), kExitSuccess};
}

int Execute(const Invocation& invocation, CommandContext& context, std::istream& in) {
  switch (invocation.command) {
    case Command::kDefine: return RunDefine(context, invocation.define);
    case Command::kList: return RunList(context);
    case Command::kShow: return RunShow(context, invocation.target);
    case Command::kDestroy: return RunDestroy(context, invocation.target);
    case Command::kExport: return RunExport(context, invocation.export_options);
    case Command::kImport: return RunImport(context, invocation.import_options);
    case Command::kJobList: return RunJobList(context);
    case Command::kJobShow: return RunJobShow(context, invocation.target);
    case Command::kJobWatch: return RunJobWatch(context, invocation.target);
    case Command::kJobCancel: return RunJobCancel(context, invocation.target);
    case Command::kSnapshotCreate: return RunSnapshotCreate(context, invocation.snapshot_create);
    case Command::kSnapshotList: return RunSnapshotList(context, invocation.target);
    case Command::kSnapshotApply: return RunSnapshotApply(context, invocation.snapshot_target);
    case Command::kSnapshotRemove: return RunSnapshotRemove(context, invocation.snapshot_target);
    case Command::kUserAdd: return RunUserAdd(context, invocation.user_add, in);
  }
  return kExitUsage;
}

}  // namespace vsm::cli
