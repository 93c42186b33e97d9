// The commands on virtual systems: define, list, show, destroy, export, import. Each talks to
// vsmd through the context's Session and returns the process exit code.
#pragma once

#include <string>

#include "app/vsm/command_context.h"
#include "app/vsm/requests.h"

namespace vsm::cli {

struct ExportOptions {
  std::string system;     // GUID or unique name
  std::string directory;  // as typed; made absolute
  bool config_only = false;
  bool no_wait = false;
};

struct ImportOptions {
  std::string directory;  // as typed; made absolute
  bool new_id = false;
  bool no_wait = false;
};

// Prints the new system's GUID (--json: the system object).
int RunDefine(CommandContext& context, const DefineOptions& options);
int RunList(CommandContext& context);
int RunShow(CommandContext& context, const std::string& system);
int RunDestroy(CommandContext& context, const std::string& system);
int RunExport(CommandContext& context, const ExportOptions& options);
int RunImport(CommandContext& context, const ImportOptions& options);

}  // namespace vsm::cli
