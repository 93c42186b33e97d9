#include "disk/disk_chain.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <system_error>
#include <utility>

#include "disk/posix_error.h"

namespace vsm::disk {
namespace {

std::string DescribeIdentity(const DiskLayer& layer, const LayerIdentity& identity) {
  if (IsVhdxFormat(layer.info().format)) {
    return fmt::format("DataWriteGuid {}", identity.id.ToString());
  }
  return fmt::format("unique id {}, time stamp {}", identity.id.ToString(), identity.vhd_timestamp);
}

std::string Quoted(const std::vector<std::filesystem::path>& paths) {
  std::string out;
  for (const auto& path : paths) {
    if (!out.empty()) out += ", ";
    out += fmt::format("'{}'", path.string());
  }
  return out;
}

// True if `path` (resolved) lies inside `root` (resolved).
bool IsInside(const std::filesystem::path& path, const std::filesystem::path& root) {
  std::error_code ignored;
  const std::filesystem::path resolved = std::filesystem::weakly_canonical(path, ignored);
  const std::filesystem::path resolved_root = std::filesystem::weakly_canonical(root, ignored);
  auto [root_end, path_it] =
      std::mismatch(resolved_root.begin(), resolved_root.end(), resolved.begin(), resolved.end());
  // A trailing separator of root gives an empty last element.
  return root_end == resolved_root.end() ||
         (std::next(root_end) == resolved_root.end() && root_end->empty());
}

struct FileKey {
  dev_t device;
  ino_t inode;
  auto operator<=>(const FileKey&) const = default;
};

}  // namespace

std::vector<std::filesystem::path> ParentCandidates(const std::filesystem::path& child,
                                                    const ParentReference& reference) {
  const std::filesystem::path directory =
      child.parent_path().empty() ? std::filesystem::path(".") : child.parent_path();
  std::vector<std::filesystem::path> candidates;
  auto add = [&](std::filesystem::path candidate) {
    candidate = candidate.lexically_normal();
    if (std::find(candidates.begin(), candidates.end(), candidate) == candidates.end()) {
      candidates.push_back(std::move(candidate));
    }
  };
  std::vector<std::string> names;
  for (std::string location : reference.locations) {
    if (location.empty()) continue;
    std::replace(location.begin(), location.end(), '\\', '/');
    // A Windows drive ("C:/...") or volume ("//?/Volume{...}/...") path names nothing here; its
    // file name still helps below.
    const bool windows_absolute =
        (location.size() >= 2 && location[1] == ':') || location.rfind("//", 0) == 0;
    const std::filesystem::path as_path(location);
    if (!windows_absolute) add(as_path.is_absolute() ? as_path : directory / as_path);
    if (as_path.has_filename()) names.push_back(as_path.filename().string());
  }
  for (const std::string& name : names) add(directory / name);
  return candidates;
}

class DiskChain::Tail final : public ParentReader {
 public:
  Tail(const State* state, size_t index) : state_(state), index_(index) {}
  Result<void> ReadVirtual(uint64_t offset, std::span<uint8_t> out) const override {
    return Read(*state_, index_, offset, out);
  }

  // The bytes of layer `index` and, where it defers to its parent, of the layers below.
  static Result<void> Read(const State& state, size_t index, uint64_t offset,
                           std::span<uint8_t> out) {
    const DiskLayer& layer = *state.layers[index];
    VSM_ASSIGN_OR_RETURN(std::vector<LayerRun> runs, layer.Map(offset, out.size()));
    for (const LayerRun& run : runs) {
      std::span<uint8_t> part = out.subspan(run.offset - offset, run.length);
      if (run.source == RunSource::kParent) {
        if (index + 1 >= state.layers.size()) {
          return Error::Failed(
              fmt::format("'{}' defers bytes to a parent it does not have", layer.path().string()));
        }
        VSM_RETURN_IF_ERROR(Read(state, index + 1, run.offset, part));
      } else {
        VSM_RETURN_IF_ERROR(layer.Read(run.offset, part));
      }
    }
    return Ok();
  }

 private:
  const State* state_;
  size_t index_;
};

DiskChain::DiskChain() : state_(std::make_unique<State>()) {}
DiskChain::DiskChain(DiskChain&&) noexcept = default;
DiskChain& DiskChain::operator=(DiskChain&&) noexcept = default;
DiskChain::~DiskChain() = default;

Result<DiskChain> DiskChain::Open(const std::filesystem::path& leaf, const ChainOptions& options) {
  DiskChain chain;
  std::set<FileKey> seen;
  auto remember = [&](const std::filesystem::path& path) -> Result<bool> {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return ErrorFromErrno("stat", path, errno);
    return seen.insert(FileKey{st.st_dev, st.st_ino}).second;
  };

  VSM_ASSIGN_OR_RETURN(std::unique_ptr<DiskLayer> current,
                       DiskLayer::Open(leaf, options.leaf_access));
  VSM_RETURN_IF_ERROR(remember(leaf));
  while (true) {
    const DiskLayer& child = *current;
    chain.state_->layers.push_back(std::move(current));
    if (!child.info().has_parent) break;
    if (chain.state_->layers.size() >= options.max_depth) {
      return Error::InvalidParameter(fmt::format(
          "the chain of '{}' is deeper than {} disks; '{}' still names a parent (a chain this deep "
          "is damaged or loops through different names)",
          leaf.string(), options.max_depth, child.path().string()));
    }
    const ParentReference& reference = *child.parent();
    const std::vector<std::filesystem::path> candidates = ParentCandidates(child.path(), reference);
    const std::string wanted = DescribeIdentity(child, reference.expected);
    const std::string named =
        reference.locations.empty() ? std::string("(no location)") : reference.locations.front();
    std::optional<std::filesystem::path> found;
    for (const auto& candidate : candidates) {
      std::error_code error;
      if (std::filesystem::exists(candidate, error)) {
        found = candidate;
        break;
      }
    }
    if (!found) {
      return Error::InvalidParameter(
          fmt::format("'{}' needs its parent '{}' ({}), which was not found; looked at: {}",
                      child.path().string(), named, wanted, Quoted(candidates)));
    }
    if (options.confine_to && !IsInside(*found, *options.confine_to)) {
      return Error::InvalidParameter(fmt::format(
          "'{}' names parent '{}', which lies outside '{}'; a package's disks must stay inside it",
          child.path().string(), found->string(), options.confine_to->string()));
    }
    VSM_ASSIGN_OR_RETURN(bool fresh, remember(*found));
    if (!fresh) {
      return Error::InvalidParameter(
          fmt::format("'{}' names parent '{}', which is already in its chain: the chain loops",
                      child.path().string(), found->string()));
    }
    VSM_ASSIGN_OR_RETURN(current, DiskLayer::Open(*found, DiskLayer::Access::kReadOnly));
    if (IsVhdxFormat(current->info().format) != IsVhdxFormat(child.info().format)) {
      return Error::InvalidParameter(
          fmt::format("'{}' ({}) names parent '{}', which is a {}: a chain keeps one format",
                      child.path().string(), DiskFormatName(child.info().format), found->string(),
                      DiskFormatName(current->info().format)));
    }
    if (current->info().virtual_size_bytes != child.info().virtual_size_bytes) {
      return Error::InvalidParameter(
          fmt::format("'{}' ({} bytes) names parent '{}', which has a virtual size of {} bytes",
                      child.path().string(), child.info().virtual_size_bytes, found->string(),
                      current->info().virtual_size_bytes));
    }
    if (!(current->identity() == reference.expected)) {
      return Error::InvalidParameter(fmt::format(
          "'{}' names parent '{}', but '{}' has {}, not the disk the child was made from ({}): "
          "the parent was written to or replaced after the child was made",
          child.path().string(), found->string(), found->string(),
          DescribeIdentity(*current, current->identity()), wanted));
    }
  }
  for (size_t i = 0; i + 1 < chain.state_->layers.size(); ++i) {
    chain.state_->below.push_back(std::make_unique<Tail>(chain.state_.get(), i + 1));
  }
  return chain;
}

const ParentReader& DiskChain::Below(size_t index) const { return *state_->below[index]; }

Result<void> DiskChain::ReadVirtual(uint64_t offset, std::span<uint8_t> out) const {
  return Tail::Read(*state_, 0, offset, out);
}

}  // namespace vsm::disk
