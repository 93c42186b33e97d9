// Readers of the DSP0201 object elements (values, paths, instances, classes). Lenient, as
// wbemcli needs (cim-xml-and-wbemcli.md §0.7): element and attribute names in any case, both
// NAMESPACE forms, booleans in any case, untyped values, references in every path form. Errors
// name the element at fault; callers decide whether that is request-not-valid or
// CIM_ERR_INVALID_PARAMETER. Internal to cimxml/.
#pragma once

#include <optional>
#include <string>

#include <pugixml.hpp>

#include "cim/cim_class.h"
#include "cim/instance.h"
#include "cim/object_path.h"
#include "cim/value.h"
#include "core/result.h"

namespace vsm::cimxml {

// LOCALNAMESPACEPATH -> "root/virtualization".
Result<std::string> ReadLocalNamespacePath(const pugi::xml_node& node);
// INSTANCENAME -> a path with class and keys (no namespace).
Result<cim::ObjectPath> ReadInstanceName(const pugi::xml_node& node);
// Any path element: CLASSNAME, INSTANCENAME, LOCALCLASSPATH, LOCALINSTANCEPATH, CLASSPATH,
// INSTANCEPATH, OBJECTPATH. A class path has no keys.
Result<cim::ObjectPath> ReadPath(const pugi::xml_node& node);
// VALUE.REFERENCE -> the path inside it.
Result<cim::ObjectPath> ReadValueReference(const pugi::xml_node& node);
// VALUE, VALUE.ARRAY, VALUE.REFERENCE, VALUE.REFARRAY or VALUE.NULL read as `type`; with no
// type, VALUE text is a string (VALUE.ARRAY a string array) and references are references.
Result<cim::Value> ReadValue(const pugi::xml_node& node, std::optional<cim::CimType> type);
// INSTANCE -> class name and properties (no path).
Result<cim::Instance> ReadInstance(const pugi::xml_node& node);
// CLASS -> the declaration with qualifiers, properties and methods.
Result<cim::ClassDecl> ReadClass(const pugi::xml_node& node);

// A TYPE/PARAMTYPE attribute value as a type: nullopt if absent or unknown.
std::optional<cim::CimType> ReadTypeAttribute(const pugi::xml_node& node, std::string_view name);

}  // namespace vsm::cimxml
