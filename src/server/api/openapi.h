// The OpenAPI 3 description of the REST API (openapi.json next to this file, compiled in by
// CMake), served at /api/v1/openapi.json. Written by hand: it documents shapes and semantics, not
// just paths. A unit test checks that its paths and methods are exactly the router's.
#pragma once

#include <nlohmann/json.hpp>

namespace latchkey::api {

nlohmann::json const& OpenApiDocument();

}  // namespace latchkey::api
