// vsm-bench-seed: fills a data root's catalogue with N defined systems, so that the benchmark
// suite can measure an import and the polling calls with 10 and with 10,000 systems registered.
// Run while vsmd is stopped (it owns the data root when running). The systems are what
// `vsm define` would store: each has a disk path and a package directory of its own, so the
// catalogue's indexes have as many distinct keys as real ones would.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "core/guid.h"
#include "core/system_definition.h"
#include "store/repository.h"

int main(int argc, char** argv) {
  CLI::App app("fills a vsm catalogue with defined systems for the benchmarks");
  std::filesystem::path data_root;
  size_t count = 10000;
  app.add_option("--data-root", data_root, "vsmd's data root")->required();
  app.add_option("--count", count, "how many systems to add");
  CLI11_PARSE(app, argc, argv);

  std::filesystem::create_directories(data_root);
  auto repository = vsm::store::OpenSqliteRepository(data_root / "vsm.db");
  if (!repository.ok()) {
    std::fprintf(stderr, "vsm-bench-seed: %s\n", repository.error().ToString().c_str());
    return 1;
  }
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < count; ++i) {
    vsm::SystemDefinition system;
    system.id = vsm::Guid::Generate();
    system.bios_guid = vsm::Guid::Generate();
    system.name = "seed-" + std::to_string(i);
    system.creation_time = std::chrono::system_clock::now();
    system.drives.push_back(vsm::Drive{.path = "/srv/seed/" + std::to_string(i) + "/disk.vhdx"});
    system.package_directory = "/srv/seed/" + std::to_string(i);
    auto added = (*repository)->AddSystem(system);
    if (!added.ok()) {
      std::fprintf(stderr, "vsm-bench-seed: %s\n", added.error().ToString().c_str());
      return 1;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"systems\": %zu, \"seconds\": %.3f}\n", count, seconds);
  return 0;
}
