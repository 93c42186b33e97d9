// DecodeMethodCall: a METHODCALL (an extrinsic method such as ImportVirtualSystem) as a
// cim::Operation of kind kInvokeMethod: its target path (instance or class) and PARAMVALUEs,
// untyped ones marked so. Internal to cimxml/.
#pragma once

#include <pugixml.hpp>

#include "cimxml/call_context.h"
#include "cimxml/request_decoder.h"

namespace vsm::cimxml {

DecodeRequestResult DecodeMethodCall(const pugi::xml_node& call, const CallContext& context,
                                     const RequestHeaders& headers);

}  // namespace vsm::cimxml
