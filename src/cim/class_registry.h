// ClassRegistry: the CIM classes of root/virtualization, loaded from schema/*.mof (embedded in
// the binary at build time, or read from a directory), with inherited properties and methods
// flattened into each class. Immutable after loading; thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cim/cim_class.h"
#include "core/result.h"

namespace vsm::cim {

class ClassRegistry {
 public:
  // The MOF compiled into the binary from schema/*.mof.
  static Result<std::unique_ptr<ClassRegistry>> LoadEmbedded();
  // Every *.mof in `directory`, in name order.
  static Result<std::unique_ptr<ClassRegistry>> LoadDirectory(const std::filesystem::path& directory);
  // (source name, MOF text) pairs. Errors name the source, line and column; a missing superclass
  // or a class declared twice is an error naming both.
  static Result<std::unique_ptr<ClassRegistry>> LoadSources(
      const std::vector<std::pair<std::string, std::string>>& sources);

  // The class named `name` (case-insensitive), or nullptr.
  const ClassDecl* Find(std::string_view name) const;
  // True if `child` is `ancestor` or derives from it.
  bool IsSubclassOf(std::string_view child, std::string_view ancestor) const;
  // Classes whose superclass is `name` ("" for root classes); all descendants if `deep`.
  std::vector<const ClassDecl*> Subclasses(std::string_view name, bool deep) const;
  // Every class, by name.
  std::vector<const ClassDecl*> All() const;

 private:
  std::map<std::string, ClassDecl> classes_;  // key: lower-case name
};

}  // namespace vsm::cim
