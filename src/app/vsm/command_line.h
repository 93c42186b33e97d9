// The `vsm` command line: CLI11 wiring that turns argv into an Invocation (which command, with
// which options), and Execute, which runs it. main() only connects the two to the process.
#pragma once

#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/vsm/command_context.h"
#include "app/vsm/requests.h"
#include "app/vsm/snapshot_commands.h"
#include "app/vsm/system_commands.h"
#include "app/vsm/user_commands.h"

namespace vsm::cli {

enum class Command {
  kDefine,
  kList,
  kShow,
  kDestroy,
  kExport,
  kImport,
  kJobList,
  kJobShow,
  kJobWatch,
  kJobCancel,
  kSnapshotCreate,
  kSnapshotList,
  kSnapshotApply,
  kSnapshotRemove,
  kUserAdd,
};

struct Invocation {
  Command command = Command::kList;
  GlobalOptions global;
  DefineOptions define;
  ExportOptions export_options;
  ImportOptions import_options;
  UserAddOptions user_add;
  SnapshotCreateOptions snapshot_create;
  SnapshotTargetOptions snapshot_target;  // snapshot apply/remove
  std::string target;  // show/destroy/snapshot list: the VM; job show/watch/cancel: the job id
};

// What parsing decided: an Invocation to execute, or an exit code with the text already
// written (help: 0 on `out`; a usage error: 2 on `err`).
struct ParseOutcome {
  std::optional<Invocation> invocation;
  int exit_code = 0;
};

// `args` includes the program name. Writes help and usage errors to `out`/`err`.
ParseOutcome ParseCommandLine(const std::vector<std::string>& args, std::ostream& out,
                              std::ostream& err);

// Runs `invocation`; returns the process exit code. `in` feeds --password-stdin.
int Execute(const Invocation& invocation, CommandContext& context, std::istream& in);

}  // namespace vsm::cli
