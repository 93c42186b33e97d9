// vsm: the command-line client of vsmd. See command_line.cc for the commands.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "app/vsm/command_context.h"
#include "app/vsm/command_line.h"

int main(int argc, char** argv) {
  using namespace vsm::cli;
  std::vector<std::string> args(argv, argv + argc);
  ParseOutcome parsed = ParseCommandLine(args, std::cout, std::cerr);
  if (!parsed.invocation) return parsed.exit_code;

  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  if (ec) {
    std::cerr << "vsm: cannot read the current directory: " << ec.message() << '\n';
    return kExitFailed;
  }
  std::string endpoint = ResolveEndpoint(parsed.invocation->global, cwd,
                                         [](const char* name) { return std::getenv(name); });
  CommandContext context(parsed.invocation->global, endpoint, std::cout, std::cerr,
                         isatty(STDOUT_FILENO) == 1, cwd);
  int exit_code = Execute(*parsed.invocation, context, std::cin);
  std::cout.flush();
  return exit_code;
}
