// One shape for a failed Azure service call, whichever way the service spelled its error
// (ARM's JSON, the Blob service's XML): "WHAT failed (HTTP 403) CODE: first line of message",
// with the error code following the status, and "(from ORIGIN)" when `upstream` names the URL
// that answered (only its origin is shown: a query may carry a SAS).
#pragma once

#include <string>

#include "common/error.h"

namespace latchkey::azure {

Error AzureServiceError(long status, std::string const& code, std::string const& message,
                        std::string const& what, std::string const& upstream = "");

}  // namespace latchkey::azure
