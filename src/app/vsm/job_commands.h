// The `vsm job` commands (list, show, watch, cancel), and FollowJob, which every command that
// starts a job (export, import) uses to wait for it and report how it ended.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "app/vsm/command_context.h"
#include "app/vsm/output.h"
#include "app/vsm/session.h"
#include "app/vsm/system_view.h"
#include "cim/object_path.h"

namespace vsm::cli {

// Prints what a job that succeeded did (not called with --json).
using JobSuccessPrinter =
    std::function<void(const JobView& job, const std::optional<SystemView>& affected)>;

// Adds what a command knows beyond the job to the job object printed with --json (e.g. the
// snapshot a CreateVirtualSystemSnapshot job made). Called for the final job only.
using JobJsonExtender = std::function<void(const JobView& job, Json& json)>;

// Follows the job at `job_path`:
//   no_wait: prints its id (--json: the job object) and returns 0 at once;
//   otherwise: polls it every 250 ms with a progress display until it ends, then prints the
//   final job object (--json; passed to `extend_json` first when given) or calls `on_success`,
//   or prints JobFailureText and returns 1.
int FollowJob(CommandContext& context, Session& session, const cim::ObjectPath& job_path,
              bool no_wait, const JobSuccessPrinter& on_success,
              const JobJsonExtender& extend_json = {});

// The sentence FollowJob prints for a finished job when the command has nothing better: e.g.
// "imported 'web01' as 4F1C...", "exported 'web01' (4F1C...)", "job 1234 completed".
std::string DescribeCompletedJob(const JobView& job, const std::optional<SystemView>& affected);

int RunJobList(CommandContext& context);
int RunJobShow(CommandContext& context, const std::string& job_id);
int RunJobWatch(CommandContext& context, const std::string& job_id);
int RunJobCancel(CommandContext& context, const std::string& job_id);

// Connects, or prints why not and returns the exit code (a malformed endpoint is a usage
// error). Returns nullptr and sets `*exit_code` on failure.
Session* ConnectOrReport(CommandContext& context, int* exit_code);

}  // namespace vsm::cli
