// Output: how the CLI prints data — aligned text tables for people, JSON (stable keys) for
// scripts. Views in, text out; no CIM here. Stateless functions; thread-safe.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/vsm/snapshot_view.h"
#include "app/vsm/system_view.h"

namespace vsm::cli {

// JSON objects keep their keys in the order written ("id" first), so that output reads well.
using Json = nlohmann::ordered_json;

// A text table: a header row and rows of cells, columns padded to their widest cell and
// separated by two spaces, trailing spaces trimmed.
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // REQUIRES: cells.size() == the number of headers.
  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  std::string ToString() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// {"id", "name", "state", "state_code", "memory_mb", "cpus", "notes", "creation_time",
//  "drives": [{"type", "path"}], "network_adapters": [{"switch", "mac_address", "static_mac"}]}
// memory_mb and cpus are null when vsmd did not report them.
Json SystemToJson(const SystemView& system);
// {"id", "type", "state", "state_code", "percent_complete", "error_code", "error_name",
//  "error_description", "description", "time_submitted", "cancellable", "affected_system"}
// Strings are "" (never null) when unknown.
Json JobToJson(const JobView& job);

// {"id", "name", "system", "parent", "creation_time", "depth"}: parent is "" for a root
// snapshot, creation_time "" when unknown (strings are never null, as in JobToJson); depth is
// the snapshot's level in the tree, 0 for a root.
Json SnapshotToJson(const SnapshotView& snapshot);

// `vsm list`: ID NAME STATE MEMORY CPUS.
std::string SystemsTable(const std::vector<SystemView>& systems);
// `vsm show`: one "Key: value" line per setting, then the drives and the adapters.
std::string SystemDetails(const SystemView& system);
// `vsm snapshot list`: ID NAME PARENT CREATED, in the order given (OrderSnapshotsAsTree's), each
// name indented two spaces per level of depth.
std::string SnapshotsTable(const std::vector<SnapshotView>& snapshots);
// `vsm job list`: ID TYPE STATE PERCENT SUBMITTED DESCRIPTION.
std::string JobsTable(const std::vector<JobView>& jobs);
// `vsm job show`: one "Key: value" line per property.
std::string JobDetails(const JobView& job);

// Writes `value` as indented JSON and a newline.
void PrintJson(std::ostream& out, const Json& value);

}  // namespace vsm::cli
