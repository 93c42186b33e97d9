#include "app/vsm/output.h"

#include <algorithm>

#include <fmt/format.h>

namespace vsm::cli {
namespace {

std::string OptionalNumber(const std::optional<uint64_t>& value) {
  return value ? std::to_string(*value) : "-";
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

void AppendField(std::string& text, std::string_view key, std::string_view value) {
  text += fmt::format("{:<18}{}\n", fmt::format("{}:", key), value);
}

}  // namespace

std::string Table::ToString() const {
  std::vector<size_t> widths(headers_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);

  std::string text;
  auto write = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      if (i > 0) line += "  ";
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - row[i].size(), ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    text += line;
    text += '\n';
  };
  write(headers_);
  for (const auto& row : rows_) write(row);
  return text;
}

Json SystemToJson(const SystemView& system) {
  Json drives = Json::array();
  for (const DriveView& drive : system.drives) {
    drives.push_back({{"type", drive.type}, {"path", drive.path}});
  }
  Json adapters = Json::array();
  for (const NetworkAdapterView& adapter : system.network_adapters) {
    adapters.push_back({{"switch", adapter.switch_name},
                        {"mac_address", adapter.mac_address},
                        {"static_mac", adapter.static_mac}});
  }
  Json json = {
      {"id", system.id},
      {"name", system.name},
      {"state", system.state},
      {"state_code", system.state_code},
      {"memory_mb", nullptr},
      {"cpus", nullptr},
      {"notes", system.notes},
      {"creation_time", system.creation_time},
      {"drives", std::move(drives)},
      {"network_adapters", std::move(adapters)},
  };
  if (system.memory_mb) json["memory_mb"] = *system.memory_mb;
  if (system.cpus) json["cpus"] = *system.cpus;
  return json;
}

Json JobToJson(const JobView& job) {
  return {
      {"id", job.id},
      {"type", job.type},
      {"state", job.state},
      {"state_code", job.state_code},
      {"percent_complete", job.percent_complete},
      {"error_code", job.error_code},
      {"error_name", job.error_name},
      {"error_description", job.error_description},
      {"description", job.description},
      {"time_submitted", job.time_submitted},
      {"elapsed_seconds", job.elapsed_seconds},
      {"cancellable", job.cancellable},
      {"affected_system", job.affected_system},
  };
}

Json SnapshotToJson(const SnapshotView& snapshot) {
  return {
      {"id", snapshot.id},
      {"name", snapshot.name},
      {"system", snapshot.system},
      {"parent", snapshot.parent},
      {"creation_time", snapshot.creation_time},
      {"depth", snapshot.depth},
  };
}

std::string SnapshotsTable(const std::vector<SnapshotView>& snapshots) {
  Table table({"ID", "NAME", "PARENT", "CREATED"});
  for (const SnapshotView& snapshot : snapshots) {
    table.AddRow({snapshot.id, std::string(2 * snapshot.depth, ' ') + snapshot.name,
                  OrDash(snapshot.parent), OrDash(snapshot.creation_time)});
  }
  return table.ToString();
}

std::string SystemsTable(const std::vector<SystemView>& systems) {
  Table table({"ID", "NAME", "STATE", "MEMORY_MB", "CPUS"});
  for (const SystemView& system : systems) {
    table.AddRow({system.id, system.name, system.state, OptionalNumber(system.memory_mb),
                  OptionalNumber(system.cpus)});
  }
  return table.ToString();
}

std::string SystemDetails(const SystemView& system) {
  std::string text;
  AppendField(text, "Id", system.id);
  AppendField(text, "Name", system.name);
  AppendField(text, "State", fmt::format("{} ({})", system.state, system.state_code));
  AppendField(text, "Memory (MB)", OptionalNumber(system.memory_mb));
  AppendField(text, "Processors", OptionalNumber(system.cpus));
  AppendField(text, "Created", OrDash(system.creation_time));
  AppendField(text, "Notes", OrDash(system.notes));
  if (system.drives.empty()) {
    AppendField(text, "Drives", "none");
  } else {
    text += "Drives:\n";
    for (const DriveView& drive : system.drives) {
      text += fmt::format("  {:<5} {}\n", drive.type, OrDash(drive.path));
    }
  }
  if (system.network_adapters.empty()) {
    AppendField(text, "Network adapters", "none");
  } else {
    text += "Network adapters:\n";
    for (const NetworkAdapterView& adapter : system.network_adapters) {
      std::string mac = adapter.mac_address.empty() ? "dynamic MAC"
                        : adapter.static_mac
                            ? fmt::format("static MAC {}", adapter.mac_address)
                            : fmt::format("dynamic MAC {}", adapter.mac_address);
      text += fmt::format("  switch {}, {}\n",
                          adapter.switch_name.empty() ? "(not connected)"
                                                      : fmt::format("'{}'", adapter.switch_name),
                          mac);
    }
  }
  return text;
}

std::string JobsTable(const std::vector<JobView>& jobs) {
  Table table({"ID", "TYPE", "STATE", "PERCENT", "SUBMITTED", "DESCRIPTION"});
  for (const JobView& job : jobs) {
    std::string description = job.description;
    if (!job.Succeeded() && job.IsFinished()) description = JobFailureText(job);
    table.AddRow({job.id, OrDash(job.type), job.state, fmt::format("{}%", job.percent_complete),
                  OrDash(job.time_submitted), description});
  }
  return table.ToString();
}

std::string JobDetails(const JobView& job) {
  std::string text;
  AppendField(text, "Id", job.id);
  AppendField(text, "Type", OrDash(job.type));
  AppendField(text, "State", fmt::format("{} ({})", job.state, job.state_code));
  AppendField(text, "Percent complete", fmt::format("{}%", job.percent_complete));
  AppendField(text, "Description", OrDash(job.description));
  AppendField(text, "Submitted", OrDash(job.time_submitted));
  AppendField(text, "Cancellable", job.cancellable ? "yes" : "no");
  AppendField(text, "Affected system", OrDash(job.affected_system));
  if (job.error_code != 0) {
    AppendField(text, "Error", fmt::format("{} ({})", job.error_name, job.error_code));
  }
  if (!job.error_description.empty()) AppendField(text, "Error description", job.error_description);
  return text;
}

void PrintJson(std::ostream& out, const Json& value) { out << value.dump(2) << '\n'; }

}  // namespace vsm::cli
