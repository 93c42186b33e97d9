// vsmd: the vsm daemon. Runs in the foreground, logs to stderr, serves CIM-XML over HTTP and a
// unix socket, and stops cleanly on SIGTERM or SIGINT (running jobs are rolled back and marked).
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/vsmd/config.h"
#include "app/vsmd/daemon.h"

int main(int argc, char** argv) {
  // Block the stop signals in every thread (all are created after this); the main thread waits
  // for them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  CLI::App app{"vsmd: virtual system management service (Hyper-V's Msvm_VirtualSystemManagementService over CIM-XML)"};
  std::string config_file, data_root, listen, socket, log_level;
  app.add_option("--config", config_file, "config file of 'key = value' lines");
  app.add_option("--data-root", data_root, "directory vsmd owns: catalogue, lock, socket (default ./var)");
  app.add_option("--listen", listen, "HOST:PORT for CIM-XML over HTTP (default 127.0.0.1:5988; '' disables)");
  app.add_option("--socket", socket, "unix socket path (default <data-root>/vsmd.sock)");
  app.add_option("--log-level", log_level, "debug, info, warn or error (default info)");
  CLI11_PARSE(app, argc, argv);

  vsm::app::DaemonConfig config;
  if (!config_file.empty()) {
    vsm::Result<void> loaded = vsm::app::LoadConfigFile(config_file, config);
    if (!loaded.ok()) {
      std::fprintf(stderr, "vsmd: %s\n", loaded.error().message().c_str());
      return 2;
    }
  }
  // The command line overrides the file.
  if (app.count("--data-root")) config.data_root = data_root;
  if (app.count("--listen")) config.listen = listen;
  if (app.count("--socket")) config.socket = socket;
  if (app.count("--log-level")) config.log_level = log_level;
  if (!config.listen.empty() && !vsm::app::ParseListenAddress(config.listen).ok()) {
    std::fprintf(stderr, "vsmd: %s\n",
                 vsm::app::ParseListenAddress(config.listen).error().message().c_str());
    return 2;
  }

  auto logger = spdlog::stderr_color_mt("vsmd");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  vsm::Result<std::unique_ptr<vsm::app::Daemon>> daemon = vsm::app::Daemon::Start(config);
  if (!daemon.ok()) {
    spdlog::critical("{}", daemon.error().message());
    return 1;
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}; stopping", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  (*daemon)->Stop();
  spdlog::info("stopped");
  return 0;
}
