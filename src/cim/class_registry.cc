#include "cim/class_registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <functional>
#include <sstream>

#include "cim/mof_parser.h"
#include "cim/object_path.h"
#include "cim/schema_embedded.h"

namespace vsm::cim {
namespace {

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// Members of the child replace inherited members of the same name, keeping their position.
template <typename Member>
std::vector<Member> Flatten(const std::vector<Member>& inherited, const std::vector<Member>& own) {
  std::vector<Member> merged = inherited;
  for (const Member& member : own) {
    auto same = std::find_if(merged.begin(), merged.end(),
                             [&](const Member& m) { return EqualsIgnoreCase(m.name, member.name); });
    if (same != merged.end()) {
      *same = member;
    } else {
      merged.push_back(member);
    }
  }
  return merged;
}

}  // namespace

Result<std::unique_ptr<ClassRegistry>> ClassRegistry::LoadEmbedded() {
  std::vector<std::pair<std::string, std::string>> sources;
  for (const EmbeddedMof& mof : EmbeddedSchema()) {
    sources.emplace_back(std::string(mof.name), std::string(mof.text));
  }
  return LoadSources(sources);
}

Result<std::unique_ptr<ClassRegistry>> ClassRegistry::LoadDirectory(const std::filesystem::path& directory) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".mof") files.push_back(entry.path());
  }
  if (ec) {
    return Error::Failed(fmt::format("cannot read schema directory '{}': {}", directory.string(),
                                     ec.message()));
  }
  std::sort(files.begin(), files.end());
  std::vector<std::pair<std::string, std::string>> sources;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    sources.emplace_back(file.string(), text.str());
  }
  return LoadSources(sources);
}

Result<std::unique_ptr<ClassRegistry>> ClassRegistry::LoadSources(
    const std::vector<std::pair<std::string, std::string>>& sources) {
  std::map<std::string, std::pair<ClassDecl, std::string>> declared;  // lower name -> (decl, source)
  std::vector<std::string> order;
  for (const auto& [source, text] : sources) {
    VSM_ASSIGN_OR_RETURN(std::vector<ClassDecl> classes, ParseMof(text, source));
    for (ClassDecl& decl : classes) {
      std::string key = Lower(decl.name);
      auto existing = declared.find(key);
      if (existing != declared.end()) {
        return Error::InvalidParameter(fmt::format("class {} is declared in both {} and {}",
                                                   decl.name, existing->second.second, source));
      }
      order.push_back(key);
      declared.emplace(key, std::make_pair(std::move(decl), source));
    }
  }
  auto registry = std::unique_ptr<ClassRegistry>(new ClassRegistry());
  // Resolve each class after its superclass; MOF files may declare them in any order.
  std::function<Result<void>(const std::string&, int)> resolve = [&](const std::string& key,
                                                                     int depth) -> Result<void> {
    if (registry->classes_.count(key)) return Ok();
    auto& [decl, source] = declared.at(key);
    if (depth > 64) {
      return Error::InvalidParameter(fmt::format("{}: class {} inherits from itself", source, decl.name));
    }
    ClassDecl flat = decl;
    if (!decl.superclass.empty()) {
      std::string parent = Lower(decl.superclass);
      if (!declared.count(parent)) {
        return Error::InvalidParameter(fmt::format("{}: class {} derives from {}, which no schema file declares",
                                                   source, decl.name, decl.superclass));
      }
      VSM_RETURN_IF_ERROR(resolve(parent, depth + 1));
      const ClassDecl& base = registry->classes_.at(parent);
      flat.properties = Flatten(base.properties, decl.properties);
      flat.methods = Flatten(base.methods, decl.methods);
      // Association and Abstract are not inherited as such, but an association's subclass is one.
      if (base.IsAssociation() && !flat.IsAssociation()) {
        flat.qualifiers.push_back({"Association", Value::Boolean(true)});
      }
    }
    registry->classes_.emplace(key, std::move(flat));
    return Ok();
  };
  for (const std::string& key : order) VSM_RETURN_IF_ERROR(resolve(key, 0));
  return registry;
}

const ClassDecl* ClassRegistry::Find(std::string_view name) const {
  auto found = classes_.find(Lower(name));
  return found == classes_.end() ? nullptr : &found->second;
}

bool ClassRegistry::IsSubclassOf(std::string_view child, std::string_view ancestor) const {
  const ClassDecl* decl = Find(child);
  for (int depth = 0; decl && depth < 64; ++depth) {
    if (EqualsIgnoreCase(decl->name, ancestor)) return true;
    if (decl->superclass.empty()) return false;
    decl = Find(decl->superclass);
  }
  return false;
}

std::vector<const ClassDecl*> ClassRegistry::Subclasses(std::string_view name, bool deep) const {
  std::vector<const ClassDecl*> result;
  for (const auto& [key, decl] : classes_) {
    bool direct = EqualsIgnoreCase(decl.superclass, name);
    bool below = deep && !name.empty() && !EqualsIgnoreCase(decl.name, name) &&
                 IsSubclassOf(decl.name, name);
    if (direct || below || (deep && name.empty())) result.push_back(&decl);
  }
  return result;
}

std::vector<const ClassDecl*> ClassRegistry::All() const {
  std::vector<const ClassDecl*> result;
  for (const auto& [key, decl] : classes_) result.push_back(&decl);
  return result;
}

}  // namespace vsm::cim
