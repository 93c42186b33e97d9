// Writers of the DSP0201 object elements (values, paths, instances, classes) that requests and
// responses are built from. They write only the attributes wbemcli 1.6.3 accepts
// (cim-xml-and-wbemcli.md §2.5): no xml:lang, no EmbeddedObject, no PROPAGATED. Elements that
// may hold children are never self-closing: wbemcli 1.6.3 rejects `<PROPERTY …/>` ("Expecting
// /PROPERTY, QUALIFIER or VALUE element"), seen against a fake CIMOM.
#pragma once

#include <string_view>

#include "cim/cim_class.h"
#include "cim/instance.h"
#include "cim/object_path.h"
#include "cim/value.h"
#include "cimxml/xml_writer.h"

namespace vsm::cimxml {

// The host written into INSTANCEPATH/CLASSPATH when a path carries none.
inline constexpr std::string_view kDefaultHost = "localhost";

// <LOCALNAMESPACEPATH><NAMESPACE NAME="root"/>… for "root/virtualization" (or "root\\…").
void WriteLocalNamespacePath(XmlWriter& w, std::string_view name_space);
// <NAMESPACEPATH><HOST>…</HOST><LOCALNAMESPACEPATH>…
void WriteNamespacePath(XmlWriter& w, std::string_view host, std::string_view name_space);
// <CLASSNAME NAME="…"/>
void WriteClassName(XmlWriter& w, std::string_view class_name);
// <INSTANCENAME CLASSNAME="…"><KEYBINDING …>… (namespace and host not written).
void WriteInstanceName(XmlWriter& w, const cim::ObjectPath& path);
// <LOCALINSTANCEPATH> / <LOCALCLASSPATH> by path.IsClassPath().
void WriteLocalPath(XmlWriter& w, const cim::ObjectPath& path);
// <INSTANCEPATH> / <CLASSPATH> with the path's host, or kDefaultHost.
void WriteFullPath(XmlWriter& w, const cim::ObjectPath& path);
// <VALUE.REFERENCE>: LOCALINSTANCEPATH (LOCALCLASSPATH) when the path has a namespace, else
// INSTANCENAME (CLASSNAME). The host is never written: wbemcli misprints INSTANCEPATH refs.
void WriteValueReference(XmlWriter& w, const cim::ObjectPath& path);
// VALUE, VALUE.ARRAY (VALUE.NULL for null elements), VALUE.REFERENCE or VALUE.REFARRAY.
// Writes nothing for a null value.
void WriteValue(XmlWriter& w, const cim::Value& value);
// <INSTANCE CLASSNAME="…"> with PROPERTY / PROPERTY.ARRAY / PROPERTY.REFERENCE.
void WriteInstance(XmlWriter& w, const cim::Instance& instance);

struct ClassWriteOptions {
  bool include_qualifiers = true;
  bool include_class_origin = false;
};
// <CLASS NAME SUPERCLASS> with QUALIFIER, PROPERTY*, METHOD/PARAMETER*.
void WriteClass(XmlWriter& w, const cim::ClassDecl& decl, const ClassWriteOptions& options);

}  // namespace vsm::cimxml
