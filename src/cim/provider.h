// Provider: serves the instances and methods of one CIM class (an Msvm_* class, presenting the
// service). The Dispatcher routes each operation to the provider of its class; a provider never
// sees XML or HTTP. Implementations are thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cim/cim_class.h"
#include "cim/instance.h"
#include "cim/object_path.h"
#include "cim/operation.h"
#include "core/principal.h"

namespace vsm::cim {

// A value of T or the CimError that answers the operation instead.
template <typename T>
using CimResult = std::variant<T, CimError>;

template <typename T>
bool IsError(const CimResult<T>& r) { return std::holds_alternative<CimError>(r); }

struct RequestContext {
  Principal principal;
  std::string name_space;  // "root/virtualization"
};

class Provider {
 public:
  virtual ~Provider() = default;

  // The class whose instances this provider serves, e.g. "Msvm_ConcreteJob".
  virtual std::string_view class_name() const = 0;

  // Every instance, each with its path set (namespace, class, all keys).
  virtual CimResult<std::vector<Instance>> EnumerateInstances(const RequestContext& context) = 0;

  // The instance at `path` (keys compared as ObjectPath does). CIM_ERR_NOT_FOUND if none.
  // The default enumerates and searches; providers override it where a direct lookup is cheaper.
  virtual CimResult<Instance> GetInstance(const RequestContext& context, const ObjectPath& path);

  // For association providers: at least every instance one of whose references names `source`
  // (Associators and References filter what this returns). The default enumerates every
  // instance; providers override it with a lookup by key, so that the cost of walking from one
  // object does not grow with the catalogue.
  virtual CimResult<std::vector<Instance>> InstancesReferencing(const RequestContext& context,
                                                                const ObjectPath& source);

  // Invokes `method` on `target` with parameters already converted to the declared types
  // (the Dispatcher has checked the method exists and typed the values). A method's own
  // outcome is its return value (0, 4096, 327xx); a CimError is only for addressing faults.
  // The default answers CIM_ERR_METHOD_NOT_AVAILABLE.
  virtual CimResult<MethodResult> InvokeMethod(const RequestContext& context,
                                               const ObjectPath& target, const MethodDecl& method,
                                               const std::vector<NamedValue>& parameters);
};

// Reads and writes instances embedded in string parameters (DSP0201 INSTANCE text, as
// DefineVirtualSystem's SystemSettingData carries them). Implemented by cimxml/ and given to
// the providers that need it, so that cim/ stays free of XML.
class EmbeddedInstanceCodec {
 public:
  virtual ~EmbeddedInstanceCodec() = default;
  virtual CimResult<Instance> Parse(std::string_view text) const = 0;
  virtual std::string Format(const Instance& instance) const = 0;
};

}  // namespace vsm::cim
