// EncodeRequest: the client's writer of DSP0200 requests (used by the `vsm` CLI and the tests),
// shaped like wbemcli's own requests (cim-xml-and-wbemcli.md §2.1–2.4). Stateless and
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "cim/operation.h"
#include "cimxml/request_decoder.h"

namespace vsm::cimxml {

// The CIM-XML body carrying `operation` as MESSAGE `message_id`: an IMETHODCALL with the
// parameters that apply to its kind (booleans always written, PropertyList when set, filters
// when non-empty), or a METHODCALL on operation.object_path (LOCALINSTANCEPATH, or
// LOCALCLASSPATH for a class path; a path without namespace gets operation.name_space) with one
// PARAMVALUE per parameter (no PARAMTYPE when NamedValue::untyped).
std::string EncodeRequest(const cim::Operation& operation, std::string_view message_id);

// The CIM headers to send with that body: CIMOperation "MethodCall", CIMMethod, and CIMObject
// (the namespace for intrinsic methods, the %-encoded target path for extrinsic ones).
RequestHeaders RequestHeadersFor(const cim::Operation& operation);

}  // namespace vsm::cimxml
