#include "cim/dispatcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "cim/wql.h"

namespace vsm::cim {
namespace {

bool IsOurNamespace(std::string name_space) {
  for (char& c : name_space) {
    c = c == '\\' ? '/' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!name_space.empty() && name_space.front() == '/') name_space.erase(0, 1);
  return name_space == kNamespace;
}

CimError InvalidClass(std::string_view name) {
  return {CimStatus::kInvalidClass, fmt::format("class '{}' does not exist in {}", name, kNamespace)};
}

void ApplyPropertyList(const Operation& operation, Instance& instance) {
  if (operation.property_list) instance.FilterProperties(*operation.property_list);
}

// The path as the wire presents it: in our namespace, without a host.
ObjectPath Normalized(ObjectPath path) {
  path.set_name_space(kNamespace);
  path.set_host("");
  return path;
}

}  // namespace

void Dispatcher::Register(std::unique_ptr<Provider> provider) {
  providers_.push_back(std::move(provider));
}

Provider* Dispatcher::ProviderFor(std::string_view class_name) const {
  for (const auto& provider : providers_) {
    if (EqualsIgnoreCase(provider->class_name(), class_name)) return provider.get();
  }
  return nullptr;
}

CimResult<std::vector<Instance>> Dispatcher::EnumerateDeep(const RequestContext& context,
                                                           std::string_view class_name) {
  std::vector<Instance> all;
  for (const auto& provider : providers_) {
    if (!registry_.IsSubclassOf(provider->class_name(), class_name)) continue;
    CimResult<std::vector<Instance>> instances = provider->EnumerateInstances(context);
    if (IsError(instances)) return std::get<CimError>(instances);
    for (Instance& instance : std::get<std::vector<Instance>>(instances)) {
      instance.set_path(Normalized(instance.path()));
      all.push_back(std::move(instance));
    }
  }
  return all;
}

CimResult<Instance> Dispatcher::GetInstance(const RequestContext& context, const ObjectPath& path) {
  if (!registry_.Find(path.class_name())) return InvalidClass(path.class_name());
  Provider* provider = ProviderFor(path.class_name());
  if (!provider) {
    return CimError{CimStatus::kNotFound, fmt::format("No such instance: {}", path.ToString())};
  }
  CimResult<Instance> instance = provider->GetInstance(context, path);
  if (!IsError(instance)) {
    Instance& found = std::get<Instance>(instance);
    found.set_path(Normalized(found.path()));
  }
  return instance;
}

OperationResult Dispatcher::Execute(const Operation& operation, const Principal& principal) {
  if (!IsOurNamespace(operation.name_space)) {
    return CimError{CimStatus::kInvalidNamespace,
                    fmt::format("namespace '{}' does not exist; vsm serves {}", operation.name_space,
                                kNamespace)};
  }
  RequestContext context{principal, kNamespace};
  switch (operation.kind) {
    case OperationKind::kGetClass: {
      const ClassDecl* decl = registry_.Find(operation.class_name);
      if (!decl) return InvalidClass(operation.class_name);
      ClassDecl answer = *decl;
      if (operation.local_only) {
        // Keys stay: clients (wbemcli) need them to build instance paths.
        std::erase_if(answer.properties, [&](const PropertyDecl& p) {
          return !p.IsKey() && !EqualsIgnoreCase(p.class_origin, decl->name);
        });
        std::erase_if(answer.methods, [&](const MethodDecl& m) {
          return !EqualsIgnoreCase(m.class_origin, decl->name);
        });
      }
      if (operation.property_list) {
        std::erase_if(answer.properties, [&](const PropertyDecl& p) {
          return std::none_of(operation.property_list->begin(), operation.property_list->end(),
                              [&](const std::string& n) { return EqualsIgnoreCase(n, p.name); });
        });
      }
      return answer;
    }
    case OperationKind::kEnumerateClasses:
    case OperationKind::kEnumerateClassNames: {
      if (!operation.class_name.empty() && !registry_.Find(operation.class_name)) {
        return InvalidClass(operation.class_name);
      }
      std::vector<const ClassDecl*> classes =
          registry_.Subclasses(operation.class_name, operation.deep_inheritance);
      if (operation.kind == OperationKind::kEnumerateClassNames) {
        std::vector<std::string> names;
        for (const ClassDecl* decl : classes) names.push_back(decl->name);
        return names;
      }
      std::vector<ClassDecl> decls;
      for (const ClassDecl* decl : classes) decls.push_back(*decl);
      return decls;
    }
    case OperationKind::kEnumerateInstances:
    case OperationKind::kEnumerateInstanceNames: {
      if (!registry_.Find(operation.class_name)) return InvalidClass(operation.class_name);
      CimResult<std::vector<Instance>> instances = EnumerateDeep(context, operation.class_name);
      if (IsError(instances)) return std::get<CimError>(instances);
      auto& list = std::get<std::vector<Instance>>(instances);
      if (operation.kind == OperationKind::kEnumerateInstanceNames) {
        std::vector<ObjectPath> names;
        for (const Instance& instance : list) names.push_back(instance.path());
        return names;
      }
      for (Instance& instance : list) ApplyPropertyList(operation, instance);
      return list;
    }
    case OperationKind::kGetInstance: {
      CimResult<Instance> instance = GetInstance(context, operation.object_path);
      if (IsError(instance)) return std::get<CimError>(instance);
      ApplyPropertyList(operation, std::get<Instance>(instance));
      return std::get<Instance>(instance);
    }
    case OperationKind::kExecQuery: {
      if (!EqualsIgnoreCase(operation.query_language, "WQL")) {
        return CimError{CimStatus::kQueryLanguageNotSupported,
                        fmt::format("query language '{}' is not supported; use WQL", operation.query_language)};
      }
      auto parsed = WqlQuery::Parse(operation.query);
      if (auto* error = std::get_if<CimError>(&parsed)) return *error;
      const WqlQuery& query = std::get<WqlQuery>(parsed);
      if (!registry_.Find(query.class_name())) return InvalidClass(query.class_name());
      CimResult<std::vector<Instance>> instances = EnumerateDeep(context, query.class_name());
      if (IsError(instances)) return std::get<CimError>(instances);
      std::vector<Instance> matching;
      for (Instance& instance : std::get<std::vector<Instance>>(instances)) {
        if (!query.Matches(instance)) continue;
        if (query.properties()) instance.FilterProperties(*query.properties());
        matching.push_back(std::move(instance));
      }
      return matching;
    }
    case OperationKind::kAssociators:
    case OperationKind::kAssociatorNames:
    case OperationKind::kReferences:
    case OperationKind::kReferenceNames:
      return Associate(operation, context);
    case OperationKind::kInvokeMethod:
      return InvokeMethod(operation, context);
  }
  return CimError{CimStatus::kNotSupported, "operation not supported"};
}

OperationResult Dispatcher::Associate(const Operation& operation, const RequestContext& context) {
  const ObjectPath& source = operation.object_path;
  if (!registry_.Find(source.class_name())) return InvalidClass(source.class_name());
  for (const std::string* name : {&operation.assoc_class, &operation.result_class}) {
    if (!name->empty() && !registry_.Find(*name)) return InvalidClass(*name);
  }
  bool references = operation.kind == OperationKind::kReferences ||
                    operation.kind == OperationKind::kReferenceNames;
  bool names_only = operation.kind == OperationKind::kAssociatorNames ||
                    operation.kind == OperationKind::kReferenceNames;
  std::vector<Instance> found;
  std::vector<ObjectPath> seen;
  for (const auto& provider : providers_) {
    const ClassDecl* decl = registry_.Find(provider->class_name());
    if (!decl || !decl->IsAssociation()) continue;
    if (!operation.assoc_class.empty() && !registry_.IsSubclassOf(decl->name, operation.assoc_class)) continue;
    if (references && !operation.result_class.empty() &&
        !registry_.IsSubclassOf(decl->name, operation.result_class)) {
      continue;
    }
    CimResult<std::vector<Instance>> links = provider->InstancesReferencing(context, source);
    if (IsError(links)) return std::get<CimError>(links);
    for (Instance& link : std::get<std::vector<Instance>>(links)) {
      // The role the source plays in this link, if any.
      const Property* source_end = nullptr;
      for (const Property& p : link.properties()) {
        if (p.value.type() != CimType::kReference || p.value.is_null() || p.value.is_array()) continue;
        if (!operation.role.empty() && !EqualsIgnoreCase(p.name, operation.role)) continue;
        if (Normalized(p.value.AsReference()) == Normalized(source)) {
          source_end = &p;
          break;
        }
      }
      if (!source_end) continue;
      if (references) {
        link.set_path(Normalized(link.path()));
        found.push_back(std::move(link));
        continue;
      }
      for (const Property& p : link.properties()) {
        if (&p == source_end || p.value.type() != CimType::kReference || p.value.is_null() || p.value.is_array()) continue;
        if (!operation.result_role.empty() && !EqualsIgnoreCase(p.name, operation.result_role)) continue;
        ObjectPath target = Normalized(p.value.AsReference());
        if (!operation.result_class.empty() && !registry_.IsSubclassOf(target.class_name(), operation.result_class)) continue;
        if (std::find(seen.begin(), seen.end(), target) != seen.end()) continue;
        seen.push_back(target);
        if (names_only) continue;
        CimResult<Instance> object = GetInstance(context, target);
        // A link to an object that vanished meanwhile is skipped, not an error.
        if (!IsError(object)) found.push_back(std::get<Instance>(std::move(object)));
      }
    }
  }
  if (names_only) {
    if (references) {
      std::vector<ObjectPath> paths;
      for (const Instance& link : found) paths.push_back(link.path());
      return paths;
    }
    return seen;
  }
  for (Instance& instance : found) ApplyPropertyList(operation, instance);
  return found;
}

OperationResult Dispatcher::InvokeMethod(const Operation& operation, const RequestContext& context) {
  const ObjectPath& target = operation.object_path;
  const ClassDecl* decl = registry_.Find(target.class_name());
  if (!decl) return InvalidClass(target.class_name());
  const MethodDecl* method = decl->FindMethod(operation.method_name);
  if (!method) {
    return CimError{CimStatus::kMethodNotFound,
                    fmt::format("class {} has no method '{}'", decl->name, operation.method_name)};
  }
  Provider* provider = ProviderFor(decl->name);
  if (!provider) {
    return CimError{CimStatus::kNotFound, fmt::format("No such instance: {}", target.ToString())};
  }
  std::vector<NamedValue> typed;
  for (const NamedValue& given : operation.parameters) {
    const ParameterDecl* parameter = method->FindParameter(given.name);
    if (!parameter || !parameter->IsIn()) {
      return CimError{CimStatus::kInvalidParameter,
                      fmt::format("method {}.{} has no input parameter '{}'", decl->name, method->name, given.name)};
    }
    NamedValue value{parameter->name, given.value, false};
    auto convert = [&](const Value& text) -> std::optional<Value> {
      if (text.is_null()) return Value::Null(parameter->type);
      if (text.type() == parameter->type) return text;
      if (text.type() != CimType::kString) return std::nullopt;
      if (parameter->type == CimType::kReference) {
        auto path = ObjectPath::Parse(text.AsString());
        if (!path) return std::nullopt;
        return Value::Reference(*path);
      }
      return Value::FromText(parameter->type, text.AsString());
    };
    if (given.value.is_array()) {
      std::vector<Value> elements;
      for (const Value& element : given.value.elements()) {
        auto converted = convert(element);
        if (!converted) {
          return CimError{CimStatus::kInvalidParameter,
                          fmt::format("parameter '{}' of {}: an element is not a {}", parameter->name,
                                      method->name, CimTypeName(parameter->type))};
        }
        elements.push_back(*converted);
      }
      value.value = Value::Array(parameter->type, std::move(elements));
    } else {
      auto converted = convert(given.value);
      if (!converted) {
        return CimError{CimStatus::kInvalidParameter,
                        fmt::format("parameter '{}' of {}: '{}' is not a {}", parameter->name, method->name,
                                    given.value.type() == CimType::kReference ? given.value.AsReference().ToString()
                                    : given.value.is_null()                  ? std::string("NULL")
                                                                              : given.value.ToText(),
                                    CimTypeName(parameter->type))};
      }
      value.value = *converted;
    }
    typed.push_back(std::move(value));
  }
  CimResult<MethodResult> result = provider->InvokeMethod(context, target, *method, typed);
  if (IsError(result)) return std::get<CimError>(result);
  return std::get<MethodResult>(std::move(result));
}

}  // namespace vsm::cim
