// DecodeIntrinsicCall: an IMETHODCALL (GetClass, EnumerateInstances, ...) as a cim::Operation,
// with the IPARAMVALUEs DSP0200 §5.3.2 gives each method, in any order. Internal to cimxml/.
#pragma once

#include <pugixml.hpp>

#include "cimxml/call_context.h"
#include "cimxml/request_decoder.h"

namespace vsm::cimxml {

DecodeRequestResult DecodeIntrinsicCall(const pugi::xml_node& call, const CallContext& context,
                                        const RequestHeaders& headers);

}  // namespace vsm::cimxml
